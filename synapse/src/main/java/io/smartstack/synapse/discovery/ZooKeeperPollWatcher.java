package io.smartstack.synapse.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.model.Backend;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code zookeeper_poll}: lists the registration path every {@code polling_interval_sec} and reads each
 * child (a {@code base64_} name needs no read). Publishes only when the result differs from the last
 * one. While ZooKeeper is unreachable a poll is skipped (one log line per outage), so the last known
 * backends stay; a missing path is an empty service.
 */
final class ZooKeeperPollWatcher implements DiscoveryWatcher {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperPollWatcher.class);

    private final String service;
    private final DiscoveryConfig.ZooKeeper config;
    private final CuratorFramework client;
    private final DiscoverySink sink;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Lifecycle lifecycle;
    private final RegistrationDecoder decoder;
    private final GeneratorConfigData generatorConfigData;
    private List<Backend> lastBackends;
    private Optional<JsonNode> lastGeneratorConfig = Optional.empty();
    private List<RejectedRegistration> lastRejected = List.of();
    private boolean failing;
    private ScheduledFuture<?> task;

    ZooKeeperPollWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            ScheduledExecutorService scheduler,
            Clock clock) {
        this.service = service;
        this.config = config;
        this.client = client;
        this.sink = sink;
        this.scheduler = scheduler;
        this.clock = clock;
        this.lifecycle = new Lifecycle("ZooKeeper poll watcher for " + service);
        this.decoder = new RegistrationDecoder(service, config.format());
        this.generatorConfigData = new GeneratorConfigData(service);
    }

    @Override
    public void start() {
        lifecycle.start();
        long period = config.pollingInterval().orElseThrow().toMillis();
        task = scheduler.scheduleWithFixedDelay(this::pollSafely, 0, period, TimeUnit.MILLISECONDS);
    }

    private synchronized void pollSafely() {
        if (!lifecycle.isStarted()) {
            return;
        }
        try {
            poll();
            if (failing) {
                failing = false;
                log.info("service {}: polling {} works again", service, config.path());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!failing) {
                failing = true;
                log.warn(
                        "service {}: cannot poll {}, keeping the last known backends: {}",
                        service,
                        config.path(),
                        e.toString());
            }
        }
    }

    private void poll() throws Exception {
        if (!client.getZookeeperClient().isConnected()) {
            throw new IllegalStateException("not connected to ZooKeeper");
        }
        // The raw handle fails fast while disconnected instead of retrying for the whole outage.
        ZooKeeper zookeeper = client.getZookeeperClient().getZooKeeper();
        List<Backend> backends = new ArrayList<>();
        List<String> children;
        try {
            children = zookeeper.getChildren(config.path(), false);
        } catch (KeeperException.NoNodeException e) {
            children = List.of();
        }
        for (String child : new TreeSet<>(children)) {
            String path = ZKPaths.makePath(config.path(), child);
            byte[] data = null;
            if (!decoder.decodableFromName(child)) {
                try {
                    data = zookeeper.getData(path, false, null);
                } catch (KeeperException.NoNodeException e) {
                    continue; // deleted between the list and the read
                }
            }
            decoder.decode(path, child, data).ifPresent(backends::add);
        }
        decoder.retain(children);
        List<RejectedRegistration> rejected = decoder.rejected();
        Optional<JsonNode> generatorConfig = Optional.empty();
        if (config.generatorConfigPath().isPresent()) {
            String path = config.generatorConfigPath().get();
            try {
                generatorConfig = generatorConfigData.parse(path, zookeeper.getData(path, false, null));
            } catch (KeeperException.NoNodeException e) {
                generatorConfig = Optional.empty();
            }
        }
        if (!backends.equals(lastBackends)
                || !generatorConfig.equals(lastGeneratorConfig)
                || !rejected.equals(lastRejected)) {
            lastBackends = List.copyOf(backends);
            lastGeneratorConfig = generatorConfig;
            lastRejected = rejected;
            sink.discovered(service, new DiscoverySnapshot(backends, generatorConfig, clock.instant(), rejected));
        }
    }

    @Override
    public void close() {
        if (lifecycle.close()) {
            task.cancel(false);
        }
    }
}
