package io.smartstack.synapse.discovery;

import io.smartstack.common.zookeeper.ServerVersions;
import io.smartstack.common.zookeeper.ZooKeeperClientFactory;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import io.smartstack.synapse.config.RetryPolicySettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared, started Curator client per ensemble (hosts sorted, so the same ensemble listed in another
 * order shares the client), reference-counted: the last {@link #release} closes it. Connection
 * transitions are logged once each and reported to the sink as {@code zookeeper:<connect string>}.
 */
public final class ZooKeeperClients implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperClients.class);

    private final DiscoverySink sink;
    private final java.util.function.Function<List<String>, ZooKeeperSettings> settings;
    private final Map<String, Shared> clients = new HashMap<>();
    private final Map<String, DiscoverySink.RegistryState> reported = new ConcurrentHashMap<>();
    private boolean closed;

    public ZooKeeperClients(DiscoverySink sink) {
        this(sink, ZooKeeperSettings::of);
    }

    public ZooKeeperClients(DiscoverySink sink, java.util.function.Function<List<String>, ZooKeeperSettings> settings) {
        this.sink = sink;
        this.settings = settings;
    }

    /** The started client for {@code hosts}; pair every call with {@link #release}. */
    public CuratorFramework acquire(List<String> hosts) {
        return acquire(hosts, Optional.empty());
    }

    /**
     * The started client for {@code hosts} retrying operations by {@code retryPolicy} (empty: the default
     * policy). Services that name the same ensemble with different policies get one client per policy.
     * Pair every call with {@link #release(List, Optional)}.
     */
    public synchronized CuratorFramework acquire(List<String> hosts, Optional<RetryPolicySettings> retryPolicy) {
        if (closed) {
            throw new IllegalStateException("ZooKeeper clients are closed");
        }
        ZooKeeperSettings ensemble = settings.apply(hosts);
        String key = key(ensemble, retryPolicy);
        Shared shared = clients.computeIfAbsent(key, connectString -> open(ensemble, retryPolicy));
        shared.references++;
        return shared.client;
    }

    public void release(List<String> hosts) {
        release(hosts, Optional.empty());
    }

    public synchronized void release(List<String> hosts, Optional<RetryPolicySettings> retryPolicy) {
        String key = key(settings.apply(hosts), retryPolicy);
        Shared shared = clients.get(key);
        if (shared != null && --shared.references <= 0) {
            clients.remove(key);
            shared.client.close();
        }
    }

    /** The registry name used in status and logs for an ensemble. */
    public static String registryName(String connectString) {
        return "zookeeper:" + connectString;
    }

    private static String key(ZooKeeperSettings ensemble, Optional<RetryPolicySettings> retryPolicy) {
        return ensemble.connectString()
                + retryPolicy.map(policy -> " " + policy).orElse("");
    }

    private Shared open(ZooKeeperSettings ensemble, Optional<RetryPolicySettings> retryPolicy) {
        CuratorFramework client = retryPolicy.isPresent()
                ? ZooKeeperClientFactory.create(ensemble, new OriginalRetryPolicy(retryPolicy.get()))
                : ZooKeeperClientFactory.create(ensemble);
        String name = registryName(ensemble.connectString());
        client.getConnectionStateListenable().addListener((c, state) -> transition(name, state));
        client.start();
        // once per ensemble, not once per service: the watch mode follows from the server's version
        ServerVersions.of(client)
                .thenAccept(version -> log.info(
                        "ZooKeeper {}: services are watched with {} (each service's path at DEBUG)",
                        version,
                        ZooKeeperWatcher.WatchMode.forServer(version).description));
        return new Shared(client);
    }

    /** Called on Curator's event thread for one client, so calls for one registry never overlap. */
    private void transition(String name, ConnectionState state) {
        DiscoverySink.RegistryState now =
                switch (state) {
                    case CONNECTED, RECONNECTED -> DiscoverySink.RegistryState.CONNECTED;
                    case SUSPENDED, LOST -> DiscoverySink.RegistryState.LOST;
                    default -> null;
                };
        if (now == null || reported.put(name, now) == now) {
            return;
        }
        if (now == DiscoverySink.RegistryState.CONNECTED) {
            log.info("registry {} connected", name);
        } else {
            log.warn("registry {} lost ({}): keeping the last known backends", name, state);
        }
        sink.registryConnection(name, now);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        clients.values().forEach(shared -> shared.client.close());
        clients.clear();
    }

    private static final class Shared {
        final CuratorFramework client;
        int references;

        Shared(CuratorFramework client) {
            this.client = client;
        }
    }
}
