package io.smartstack.synapse.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.config.ServiceConfig;
import io.smartstack.synapse.fakes.RecordingSink;
import io.smartstack.synapse.selection.SelectionRules;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** Every watcher: start twice fails, close is idempotent and legal before start. */
class WatcherLifecycleTest {
    private final RecordingSink sink = new RecordingSink();

    private static ServiceConfig service(DiscoveryConfig discovery) {
        return new ServiceConfig("web", discovery, SelectionRules.defaults(), Map.of());
    }

    private static List<DiscoveryConfig> methods(String zookeeper) {
        return List.of(
                new DiscoveryConfig.Base(),
                new DiscoveryConfig.Dns(
                        List.of(new DiscoveryConfig.DnsServer("a", "127.0.0.1", 80, Map.of())), Duration.ofSeconds(30)),
                new DiscoveryConfig.ZooKeeper(
                        List.of(zookeeper), "/web", RegistrationFormat.NERVE, Optional.empty(), Optional.empty()),
                new DiscoveryConfig.ZooKeeper(
                        List.of(zookeeper),
                        "/web",
                        RegistrationFormat.NERVE,
                        Optional.empty(),
                        Optional.of(Duration.ofSeconds(30))));
    }

    @Test
    void everyWatcherFailsASecondStartAndClosesIdempotently() throws Exception {
        try (TestingServer server = new TestingServer(true);
                DiscoveryWatchers watchers =
                        new DiscoveryWatchers(sink, new ZooKeeperClients(sink), Clock.systemUTC())) {
            for (DiscoveryConfig method : methods(server.getConnectString())) {
                DiscoveryWatcher watcher = watchers.create(service(method));
                watcher.start();
                assertThrows(IllegalStateException.class, watcher::start, method.method());
                watcher.close();
                watcher.close();
                DiscoveryWatcher neverStarted = watchers.create(service(method));
                neverStarted.close();
                neverStarted.close();
            }
        }
    }

    @Test
    void sharedClientsAreReferenceCountedPerSortedEnsemble() {
        try (ZooKeeperClients clients = new ZooKeeperClients(sink)) {
            var first = clients.acquire(List.of("127.0.0.1:2", "127.0.0.1:1"));
            var second = clients.acquire(List.of("127.0.0.1:1", "127.0.0.1:2"));
            assertEquals(first, second, "same ensemble, other order: one client");
            clients.release(List.of("127.0.0.1:2", "127.0.0.1:1"));
            var third = clients.acquire(List.of("127.0.0.1:1", "127.0.0.1:2"));
            assertEquals(first, third, "still referenced once: the same client");
            clients.release(List.of("127.0.0.1:1", "127.0.0.1:2"));
            clients.release(List.of("127.0.0.1:1", "127.0.0.1:2"));
            var fresh = clients.acquire(List.of("127.0.0.1:1", "127.0.0.1:2"));
            assertEquals(false, fresh == first, "the last release closed the client");
        }
    }
}
