package io.smartstack.synapse.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.zookeeper.ServerVersion;
import io.smartstack.common.zookeeper.ServerVersions;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.model.Backend;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.TreeCache;
import org.apache.curator.framework.recipes.cache.TreeCacheEvent;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a registration path with one persistent recursive watch (Curator's {@link
 * PersistentWatcher}): a change costs one read of the changed znode, not a list plus a read per
 * child, and no read at all for a path-encoded Nerve name ({@code base64_...}, Nerve's {@code
 * use_path_encoding}), which carries the registration itself, as the original Synapse reads it. The
 * load (at start and after every reconnection) lists the path once and reads the children
 * {@value #READS_PER_REQUEST} at a time with one multi-read request each (ZooKeeper 3.6+, as these
 * watches are), all asynchronously, where a recursive cache would read each one with its own request
 * and also list every registration's (empty) children. Keeps the decoded backends by child name,
 * updated per event, and publishes a whole snapshot after each event once the load is complete.
 *
 * <p>{@value #READS_PER_REQUEST} registrations at their size limit fit ZooKeeper's default packet
 * limit (1 MB) with room to spare. Larger znodes, which are rejected anyway, could make one answer
 * exceed the client's limit, and the client then drops its connection; after a multi-read is cut off
 * that way the watcher reads its children one request each from then on, so a hostile znode costs
 * one reconnection, never a loop of them.
 *
 * <p>A missing path is an empty service and stays watched (the watch also covers nodes created later).
 * During an outage or after session expiry the backends are kept and read again on reconnection, so
 * the last known backends stay until ZooKeeper itself says otherwise. Events and answers are handled
 * on {@code events} (one thread), in the order ZooKeeper delivered them, never on its event thread.
 *
 * <p>That is on ZooKeeper 3.6 and newer. Older servers (3.4, 3.5) have no persistent watches: there the
 * path is watched with Curator's {@link TreeCache} (ordinary one-time watches set again after each
 * event). The watch starts once {@link ServerVersions} has learnt the server version, and the chosen
 * mode is logged once per ensemble ({@link ZooKeeperClients}), each service's path at DEBUG.
 *
 * <p>With {@code discovery_jitter}, a change soon after the last publication is published after a
 * random delay ({@link DiscoveryJitter}); what changes meanwhile goes out in that one snapshot.
 */
final class ZooKeeperWatcher implements DiscoveryWatcher {
    /** The watcher's threads: {@code events} runs every listener call, {@code timer} the jitter delays. */
    record Threads(Executor events, ScheduledExecutorService timer) {}

    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperWatcher.class);

    private static final byte[] NO_DATA = new byte[0];

    /** Children read by one multi-read request during a load. */
    static final int READS_PER_REQUEST = 8;

    /** False once a multi-read was cut off by a lost connection: then one request per child. */
    private boolean multiReads = true;

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
    private PersistentWatcher registrations;
    private Cache generatorConfigCache;
    private Cache ordinaryRegistrations;
    private final java.util.function.Function<ServerVersion, WatchMode> modeChoice;
    /** The current load (one per reset of the watch) and how many of its reads are outstanding. */
    private long load;

    private int loading;

    private final Optional<DiscoveryJitter> jitter;
    private final ScheduledExecutorService timer;
    private boolean publicationPending;

    /** Without a timer: {@code discovery_jitter} must not be configured. */
    ZooKeeperWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            Executor events,
            Clock clock) {
        this(service, config, client, sink, new Threads(events, null), clock);
    }

    /** As above; {@code modeChoice} picks the watch mode from the server version. */
    ZooKeeperWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            Executor events,
            Clock clock,
            java.util.function.Function<ServerVersion, WatchMode> modeChoice) {
        this(service, config, client, sink, new Threads(events, null), clock, modeChoice);
    }

    ZooKeeperWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            Threads threads,
            Clock clock) {
        this(service, config, client, sink, threads, clock, WatchMode::forServer);
    }

    ZooKeeperWatcher(
            String service,
            DiscoveryConfig.ZooKeeper config,
            CuratorFramework client,
            DiscoverySink sink,
            Threads threads,
            Clock clock,
            java.util.function.Function<ServerVersion, WatchMode> modeChoice) {
        if (config.discoveryJitter().isPresent() && threads.timer() == null) {
            throw new IllegalArgumentException("discovery_jitter needs a timer");
        }
        this.modeChoice = modeChoice;
        this.service = service;
        this.config = config;
        this.client = client;
        this.sink = sink;
        this.events = threads.events();
        this.timer = threads.timer();
        this.jitter = config.discoveryJitter().map(delay -> new DiscoveryJitter(delay, Math::random));
        this.clock = clock;
        this.lifecycle = new Lifecycle("ZooKeeper watcher for " + service);
        this.decoder = new RegistrationDecoder(service, config.format());
        this.generatorConfigData = new GeneratorConfigData(service);
    }

    @Override
    public void start() {
        lifecycle.start();
        ServerVersions.of(client).thenAcceptAsync(this::startWatching, events).exceptionally(failure -> {
            if (lifecycle.isStarted()) {
                LOG.error("service {}: cannot watch {}", service, config.path(), failure);
            }
            return null;
        });
    }

    /** Once the server version is known: persistent watches from 3.6 on, ordinary watches before. */
    private synchronized void startWatching(ServerVersion version) {
        if (!lifecycle.isStarted()) {
            return;
        }
        WatchMode mode = modeChoice.apply(version);
        LOG.debug("service {}: watching {} with {} (ZooKeeper {})", service, config.path(), mode.description, version);
        boolean separateConfigNode = config.generatorConfigPath().isPresent()
                && !config.generatorConfigPath().get().equals(config.path());
        generatorConfigLoaded = !separateConfigNode;
        try {
            if (mode == WatchMode.PERSISTENT) {
                registrations = new PersistentWatcher(client, config.path(), true);
                registrations.getListenable().addListener(this::watched, events);
                registrations.getResetListenable().addListener(this::reload, events);
            } else {
                ordinaryRegistrations = mode.cache(client, config.path(), false);
                ordinaryRegistrations.listen(
                        CuratorCacheListener.builder()
                                .forAll(this::registrationEvent)
                                .forInitialized(() -> {
                                    registrationsLoaded = true;
                                    publish();
                                })
                                .build(),
                        events);
            }
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
            if (registrations != null) {
                registrations.start();
            } else {
                ordinaryRegistrations.start();
            }
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /** An event of the ordinary-watch cache (ZooKeeper 3.4/3.5), in {@link CuratorCacheListener} terms. */
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
            forget(child);
        } else {
            registration(path, child, data.getData());
        }
        publish();
    }

    /** Reads the whole path again (the watch was just set: at start, after a reconnection). */
    private void reload() {
        if (!lifecycle.isStarted()) {
            return;
        }
        long current = ++load;
        loading = 1;
        background(() -> client.getChildren()
                .inBackground((c, event) -> listed(current, event), events)
                .forPath(config.path()));
        if (config.generatorConfigPath().filter(config.path()::equals).isPresent()) {
            readRoot();
        }
    }

    private void listed(long current, CuratorEvent event) {
        if (current != load) {
            return; // a newer load is under way
        }
        if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
            new java.util.ArrayList<>(backends.keySet()).forEach(this::forget);
            loaded(current);
            return;
        }
        if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            return; // connection lost: the watch is set again on reconnection, and this load with it
        }
        java.util.Set<String> children = new java.util.HashSet<>(event.getChildren());
        new java.util.ArrayList<>(backends.keySet())
                .stream().filter(child -> !children.contains(child)).forEach(this::forget);
        // path-encoded names carry the registration: only the others are read
        children.removeIf(child -> decodedFromName(ZKPaths.makePath(config.path(), child), child));
        loading = children.size();
        if (loading == 0) {
            loaded(current);
            return;
        }
        if (!multiReads) {
            children.forEach(child -> read(child, current));
            return;
        }
        List<String> all = new ArrayList<>(children);
        for (int from = 0; from < all.size(); from += READS_PER_REQUEST) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + READS_PER_REQUEST));
            List<Op> reads = batch.stream()
                    .map(child -> Op.getData(ZKPaths.makePath(config.path(), child)))
                    .toList();
            background(() -> client.getZookeeperClient()
                    .getZooKeeper()
                    .multi(
                            reads,
                            (rc, path, context, results) ->
                                    events.execute(() -> readBatch(current, batch, rc, results)),
                            null));
        }
    }

    /** The answer to one multi-read of a load: each child as a single read would have it. */
    private void readBatch(long current, List<String> batch, int rc, List<OpResult> results) {
        if (rc == KeeperException.Code.CONNECTIONLOSS.intValue() && multiReads) {
            multiReads = false;
            LOG.info(
                    "service {}: a multi-read of {} was cut off by a lost connection; reading its children"
                            + " one request each from now on",
                    service,
                    config.path());
        }
        for (int i = 0; i < batch.size(); i++) {
            String child = batch.get(i);
            OpResult result = results == null || results.size() <= i ? null : results.get(i);
            if (result instanceof OpResult.GetDataResult data) {
                registration(ZKPaths.makePath(config.path(), child), child, data.getData());
            } else if (result instanceof OpResult.ErrorResult error
                    && error.getErr() == KeeperException.Code.NONODE.intValue()) {
                forget(child);
            }
            if (current == load && --loading == 0) {
                loaded(current);
            }
        }
    }

    /** Reads one registration; {@code current}: the load it belongs to (0: an event's read). */
    private void read(String child, long current) {
        String path = ZKPaths.makePath(config.path(), child);
        background(() -> client.getData()
                .inBackground(
                        (c, event) -> {
                            if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                                registration(path, child, event.getData());
                            } else if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                                forget(child);
                            }
                            if (current != 0) {
                                if (current == load && --loading == 0) {
                                    loaded(current);
                                }
                            } else if (loading == 0) {
                                publish();
                            }
                        },
                        events)
                .forPath(path));
    }

    private void loaded(long current) {
        if (current == load) {
            loading = 0;
            registrationsLoaded = true;
            publish();
        }
    }

    private void readRoot() {
        String path = config.path();
        background(() -> client.getData()
                .inBackground(
                        (c, event) -> {
                            if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                                generatorConfig = generatorConfigData.parse(path, event.getData());
                            } else if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                                generatorConfig = Optional.empty();
                            } else {
                                return;
                            }
                            if (loading == 0) {
                                publish();
                            }
                        },
                        events)
                .forPath(path));
    }

    /** An event of the persistent watch: the path itself, or one registration under it. */
    private void watched(WatchedEvent event) {
        String path = event.getPath();
        if (path == null || !lifecycle.isStarted()) {
            return;
        }
        if (path.equals(config.path())) {
            switch (event.getType()) {
                case NodeCreated -> reload();
                case NodeDeleted -> {
                    new java.util.ArrayList<>(backends.keySet()).forEach(this::forget);
                    if (config.generatorConfigPath().filter(path::equals).isPresent()) {
                        generatorConfig = Optional.empty();
                    }
                    if (loading == 0) {
                        publish();
                    }
                }
                case NodeDataChanged -> {
                    if (config.generatorConfigPath().filter(path::equals).isPresent()) {
                        readRoot();
                    }
                }
                default -> {}
            }
            return;
        }
        ZKPaths.PathAndNode parts = ZKPaths.getPathAndNode(path);
        if (!parts.getPath().equals(config.path())) {
            return; // deeper than a registration: not ours
        }
        String child = parts.getNode();
        switch (event.getType()) {
            case NodeCreated, NodeDataChanged -> {
                if (!decodedFromName(path, child)) {
                    read(child, 0);
                } else if (loading == 0) {
                    publish();
                }
            }
            case NodeDeleted -> {
                forget(child);
                if (loading == 0) {
                    publish();
                }
            }
            default -> {}
        }
    }

    /** Path encoding: a {@code base64_} name is the registration itself, taken without a read. */
    private boolean decodedFromName(String path, String child) {
        if (!decoder.decodableFromName(child)) {
            return false;
        }
        registration(path, child, NO_DATA);
        return true;
    }

    private void registration(String path, String child, byte[] data) {
        decoder.decode(path, child, data)
                .ifPresentOrElse(backend -> backends.put(child, backend), () -> backends.remove(child));
    }

    private void forget(String child) {
        backends.remove(child);
        decoder.removed(child);
    }

    private interface Request {
        void send() throws Exception;
    }

    /** Sends an asynchronous request; one that cannot even be sent waits for the next reset of the watch. */
    private void background(Request request) {
        try {
            request.send();
        } catch (Exception e) {
            LOG.debug("ZooKeeper request for {} not sent: {}", service, e.toString());
        }
    }

    private void publish() {
        if (!registrationsLoaded || !generatorConfigLoaded || !lifecycle.isStarted() || publicationPending) {
            return;
        }
        Duration delay = jitter.map(j -> j.delay(clock.instant())).orElse(Duration.ZERO);
        if (delay.isZero()) {
            publishNow();
            return;
        }
        publicationPending = true;
        try {
            timer.schedule(
                    () -> events.execute(() -> {
                        publicationPending = false;
                        publishNow();
                    }),
                    delay.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the watchers are shutting down: nothing is published any more
            publicationPending = false;
        }
    }

    private void publishNow() {
        if (!lifecycle.isStarted()) {
            return;
        }
        jitter.ifPresent(j -> j.published(clock.instant()));
        sink.discovered(
                service,
                new DiscoverySnapshot(
                        java.util.List.copyOf(backends.values()),
                        generatorConfig,
                        clock.instant(),
                        decoder.rejected()));
    }

    @Override
    public synchronized void close() {
        if (lifecycle.close()) {
            if (registrations != null) {
                registrations.close();
            }
            if (ordinaryRegistrations != null) {
                ordinaryRegistrations.close();
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
