package io.smartstack.synapse.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.zookeeper.ServerVersion;
import io.smartstack.common.zookeeper.ServerVersions;
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
import org.apache.curator.framework.recipes.cache.TreeCache;
import org.apache.curator.framework.recipes.cache.TreeCacheEvent;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a registration path. Against ZooKeeper 3.6 and newer it uses Curator's {@link CuratorCache}
 * (one persistent recursive watch): a change costs one read of the changed znode, not a list plus a read
 * per child. Older servers (3.4, 3.5) have no persistent watches, so there it uses Curator's
 * {@link TreeCache} (ordinary one-time watches set again after each event); the caches start once
 * {@link ServerVersions} has learnt the server version, and the chosen mode is logged per service. Keeps
 * the decoded backends by child name, updated per event, and publishes a whole snapshot after each event
 * once the initial load is complete.
 *
 * <p>A missing path is an empty service and stays watched (the watch also covers nodes created later).
 * During an outage or after session expiry the cache keeps its contents and resynchronises on
 * reconnection, so the last known backends stay until ZooKeeper itself says otherwise. Listener calls
 * run on {@code events} (one thread), never on ZooKeeper's event thread.
 */
final class ZooKeeperWatcher implements DiscoveryWatcher {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperWatcher.class);

    private final String service;
    private final DiscoveryConfig.ZooKeeper config;
    private final CuratorFramework client;
    private final DiscoverySink sink;
    private final Executor events;
    private final Clock clock;
    private final Lifecycle lifecycle;
    private final java.util.function.Function<ServerVersion, WatchMode> modeChoice;
    private final RegistrationDecoder decoder;
    private final GeneratorConfigData generatorConfigData;
    private final Map<String, Backend> backends = new TreeMap<>();
    private Optional<JsonNode> generatorConfig = Optional.empty();
    private boolean registrationsLoaded;
    private boolean generatorConfigLoaded;
    private Cache registrations;
    private Cache generatorConfigCache;

    ZooKeeperWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            Executor events,
            Clock clock) {
        this(service, config, client, sink, events, clock, WatchMode::forServer);
    }

    /** As the public constructor; {@code modeChoice} picks the watch mode from the server version. */
    ZooKeeperWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            Executor events,
            Clock clock,
            java.util.function.Function<ServerVersion, WatchMode> modeChoice) {
        this.modeChoice = modeChoice;
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
        ServerVersions.of(client).thenAcceptAsync(this::startCaches, events).exceptionally(failure -> {
            if (lifecycle.isStarted()) {
                log.error("service {}: cannot watch {}", service, config.path(), failure);
            }
            return null;
        });
    }

    /** Once the server version is known: persistent watches from 3.6 on, ordinary watches before. */
    private synchronized void startCaches(ServerVersion version) {
        try {
            startCaches(modeChoice.apply(version), version);
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private void startCaches(WatchMode mode, ServerVersion version) throws Exception {
        if (!lifecycle.isStarted()) {
            return;
        }
        log.info("service {}: watching {} with {} (ZooKeeper {})", service, config.path(), mode.description, version);
        boolean separateConfigNode = config.generatorConfigPath().isPresent()
                && !config.generatorConfigPath().get().equals(config.path());
        generatorConfigLoaded = !separateConfigNode;
        registrations = mode.cache(client, config.path(), false);
        registrations.listen(
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
            generatorConfigCache = mode.cache(client, path, true);
            generatorConfigCache.listen(
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
                new DiscoverySnapshot(java.util.List.copyOf(backends.values()), generatorConfig, clock.instant()));
    }

    @Override
    public synchronized void close() {
        if (lifecycle.close()) {
            if (registrations != null) {
                registrations.close();
            }
            if (generatorConfigCache != null) {
                generatorConfigCache.close();
            }
        }
    }

    /** How a path is watched; chosen from the server version. */
    enum WatchMode {
        /** Curator's {@link CuratorCache}: one persistent recursive watch ({@code addWatch}, ZooKeeper 3.6+). */
        PERSISTENT("persistent recursive watches"),
        /** Curator's {@link TreeCache}: a data and a child watch per node, set again after each event. */
        ORDINARY("ordinary watches");

        final String description;

        WatchMode(String description) {
            this.description = description;
        }

        static WatchMode forServer(ServerVersion version) {
            return version.hasPersistentWatches() ? PERSISTENT : ORDINARY;
        }

        /** A cache of {@code path} and its children, or of {@code path} alone when {@code singleNode}. */
        Cache cache(CuratorFramework client, String path, boolean singleNode) {
            if (this == PERSISTENT) {
                CuratorCache cache = singleNode
                        ? CuratorCache.build(client, path, CuratorCache.Options.SINGLE_NODE_CACHE)
                        : CuratorCache.build(client, path);
                return new Cache() {
                    @Override
                    public void listen(CuratorCacheListener listener, Executor executor) {
                        cache.listenable().addListener(listener, executor);
                    }

                    @Override
                    public void start() {
                        cache.start();
                    }

                    @Override
                    public void close() {
                        cache.close();
                    }
                };
            }
            // Depth 1: the registrations themselves; anything deeper is not a registration.
            TreeCache cache = TreeCache.newBuilder(client, path)
                    .setMaxDepth(singleNode ? 0 : 1)
                    .build();
            return new Cache() {
                @Override
                public void listen(CuratorCacheListener listener, Executor executor) {
                    cache.getListenable().addListener((c, event) -> treeEvent(listener, event), executor);
                }

                @Override
                public void start() throws Exception {
                    cache.start();
                }

                @Override
                public void close() {
                    cache.close();
                }
            };
        }

        /** A {@link TreeCache} event as the {@link CuratorCacheListener} call {@link CuratorCache} makes for it. */
        private static void treeEvent(CuratorCacheListener listener, TreeCacheEvent event) {
            switch (event.getType()) {
                case NODE_ADDED -> listener.event(CuratorCacheListener.Type.NODE_CREATED, null, event.getData());
                case NODE_UPDATED ->
                    listener.event(CuratorCacheListener.Type.NODE_CHANGED, event.getOldData(), event.getData());
                case NODE_REMOVED -> listener.event(CuratorCacheListener.Type.NODE_DELETED, event.getData(), null);
                case INITIALIZED -> listener.initialized();
                default -> {
                    // Connection events: the shared client's listener reports those.
                }
            }
        }
    }

    interface Cache {
        void listen(CuratorCacheListener listener, Executor executor);

        void start() throws Exception;

        void close();
    }
}
