package io.smartstack.synapse.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.model.Backend;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;

/**
 * Watches a registration path with Curator's {@link CuratorCache} (persistent recursive watch): a
 * change costs one read of the changed znode, not a list plus a read per child. Keeps the decoded
 * backends by child name, updated per event, and publishes a whole snapshot after each event once the
 * initial load is complete.
 *
 * <p>A missing path is an empty service and stays watched (the watch also covers nodes created later).
 * During an outage or after session expiry the cache keeps its contents and resynchronises on
 * reconnection, so the last known backends stay until ZooKeeper itself says otherwise. Listener calls
 * run on {@code events} (one thread), never on ZooKeeper's event thread.
 */
final class ZooKeeperWatcher implements DiscoveryWatcher {
    private final String service;
    private final DiscoveryConfig.ZooKeeper config;
    private final CuratorFramework client;
    private final DiscoverySink sink;
    private final Executor events;
    private final Clock clock;
    private final Lifecycle lifecycle;
    private final RegistrationDecoder decoder;
    private final GeneratorConfigData generatorConfigData;
    private final Map<String, Backend> backends = new TreeMap<>();
    private Optional<JsonNode> generatorConfig = Optional.empty();
    private boolean registrationsLoaded;
    private boolean generatorConfigLoaded;
    private CuratorCache registrations;
    private CuratorCache generatorConfigCache;

    ZooKeeperWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            Executor events,
            Clock clock) {
        this.service = service;
        this.config = config;
        this.client = client;
        this.sink = sink;
        this.events = events;
        this.clock = clock;
        this.lifecycle = new Lifecycle("ZooKeeper watcher for " + service);
        this.decoder = new RegistrationDecoder(service, config.format());
        this.generatorConfigData = new GeneratorConfigData(service);
    }

    @Override
    public void start() {
        lifecycle.start();
        boolean separateConfigNode = config.generatorConfigPath().isPresent()
                && !config.generatorConfigPath().get().equals(config.path());
        generatorConfigLoaded = !separateConfigNode;
        registrations = CuratorCache.build(client, config.path());
        registrations
                .listenable()
                .addListener(
                        CuratorCacheListener.builder()
                                .forAll(this::registrationEvent)
                                .forInitialized(() -> {
                                    registrationsLoaded = true;
                                    publish();
                                })
                                .build(),
                        events);
        if (separateConfigNode) {
            String path = config.generatorConfigPath().get();
            generatorConfigCache = CuratorCache.build(client, path, CuratorCache.Options.SINGLE_NODE_CACHE);
            generatorConfigCache
                    .listenable()
                    .addListener(
                            CuratorCacheListener.builder()
                                    .forAll((type, oldData, data) -> {
                                        generatorConfig = data == null
                                                ? Optional.empty()
                                                : generatorConfigData.parse(path, data.getData());
                                        publish();
                                    })
                                    .forInitialized(() -> {
                                        generatorConfigLoaded = true;
                                        publish();
                                    })
                                    .build(),
                            events);
            generatorConfigCache.start();
        }
        registrations.start();
    }

    private void registrationEvent(CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
        ChildData node = data != null ? data : oldData;
        String path = node.getPath();
        if (path.equals(config.path())) {
            if (config.generatorConfigPath().filter(path::equals).isPresent()) {
                generatorConfig = type == CuratorCacheListener.Type.NODE_DELETED
                        ? Optional.empty()
                        : generatorConfigData.parse(path, data.getData());
                publish();
            }
            return;
        }
        ZKPaths.PathAndNode parts = ZKPaths.getPathAndNode(path);
        if (!parts.getPath().equals(config.path())) {
            return; // deeper than a registration: not ours
        }
        String child = parts.getNode();
        if (type == CuratorCacheListener.Type.NODE_DELETED) {
            backends.remove(child);
            decoder.removed(child);
        } else {
            decoder.decode(path, child, data.getData())
                    .ifPresentOrElse(backend -> backends.put(child, backend), () -> backends.remove(child));
        }
        publish();
    }

    private void publish() {
        if (!registrationsLoaded || !generatorConfigLoaded || !lifecycle.isStarted()) {
            return;
        }
        sink.discovered(
                service,
                new DiscoverySnapshot(
                        java.util.List.copyOf(backends.values()),
                        generatorConfig,
                        clock.instant(),
                        decoder.rejected()));
    }

    @Override
    public void close() {
        if (lifecycle.close()) {
            registrations.close();
            if (generatorConfigCache != null) {
                generatorConfigCache.close();
            }
        }
    }
}
