package io.smartstack.synapse.discovery;

import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.config.ServiceConfig;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;

/**
 * Builds the watcher for each service's discovery method, sharing what can be shared: one Curator client
 * per ensemble, one thread for every ZooKeeper cache's events, two threads for every poll and DNS lookup.
 * Closing it closes the shared clients and threads (close the watchers first).
 */
public final class DiscoveryWatchers implements AutoCloseable {
    private final DiscoverySink sink;
    private final ZooKeeperClients clients;
    private final ExecutorService zookeeperEvents =
            Executors.newSingleThreadExecutor(named("synapse-zookeeper-events"));
    private final ScheduledExecutorService pollers =
            Executors.newScheduledThreadPool(2, named("synapse-discovery-poll"));
    private final Clock clock;

    public DiscoveryWatchers(DiscoverySink sink, ZooKeeperClients clients, Clock clock) {
        this.sink = sink;
        this.clients = clients;
        this.clock = clock;
    }

    /** A new, unstarted watcher for {@code service}; closing it releases any shared client it took. */
    public DiscoveryWatcher create(ServiceConfig service) {
        DiscoveryConfig discovery = service.discovery();
        if (discovery instanceof DiscoveryConfig.ZooKeeper zookeeper) {
            return new ReleasingWatcher(
                    zookeeper,
                    clients.acquire(zookeeper.hosts(), zookeeper.retryPolicy()),
                    client -> zookeeper.pollingInterval().isPresent()
                            ? new ZooKeeperPollWatcher(service.name(), zookeeper, client, sink, pollers, clock)
                            : new ZooKeeperWatcher(
                                    service.name(),
                                    zookeeper,
                                    client,
                                    sink,
                                    new ZooKeeperWatcher.Threads(zookeeperEvents, pollers),
                                    clock));
        }
        if (discovery instanceof DiscoveryConfig.Dns dns) {
            return new DnsWatcher(service.name(), dns, sink, pollers, DnsWatcher.Resolver.SYSTEM, clock);
        }
        return new BaseWatcher(service.name(), sink, clock);
    }

    @Override
    public void close() {
        pollers.shutdownNow();
        zookeeperEvents.shutdownNow();
        clients.close();
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Releases the shared client when the watcher closes (once, also when it was never started). */
    private final class ReleasingWatcher implements DiscoveryWatcher {
        private final DiscoveryConfig.ZooKeeper config;
        private final DiscoveryWatcher delegate;
        private final AtomicBoolean released = new AtomicBoolean();

        ReleasingWatcher(
                DiscoveryConfig.ZooKeeper config,
                CuratorFramework client,
                Function<CuratorFramework, DiscoveryWatcher> build) {
            this.config = config;
            this.delegate = build.apply(client);
        }

        @Override
        public void start() throws Exception {
            delegate.start();
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                delegate.close();
                clients.release(config.hosts(), config.retryPolicy());
            }
        }
    }

    /** {@code base}: reports "nothing discovered" once, so the default servers are used. */
    private static final class BaseWatcher implements DiscoveryWatcher {
        private final String service;
        private final DiscoverySink sink;
        private final Clock clock;
        private final Lifecycle lifecycle;

        BaseWatcher(String service, DiscoverySink sink, Clock clock) {
            this.service = service;
            this.sink = sink;
            this.clock = clock;
            this.lifecycle = new Lifecycle("base watcher for " + service);
        }

        @Override
        public void start() {
            lifecycle.start();
            sink.discovered(service, new DiscoverySnapshot(List.of(), Optional.empty(), clock.instant()));
        }

        @Override
        public void close() {
            lifecycle.close();
        }
    }
}
