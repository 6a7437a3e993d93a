package io.smartstack.synapse.discovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.fakes.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/** A ZooKeeper outage longer than the session keeps the last known backends, then resynchronises. */
class ZooKeeperOutageTest {
    @Test
    void aStoppedZooKeeperKeepsTheLastBackendsAndChangesAreSeenAfterItReturns() throws Exception {
        RecordingSink sink = new RecordingSink();
        ExecutorService events = Executors.newSingleThreadExecutor();
        try (TestingServer server = new TestingServer(true);
                ZooKeeperClients clients = new ZooKeeperClients(
                        sink, hosts -> ZooKeeperSettings.of(hosts).withSessionTimeout(Duration.ofSeconds(3)))) {
            String path = "/nerve/outage/services";
            try (CuratorFramework writer =
                    CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
                writer.start();
                writer.create()
                        .creatingParentsIfNeeded()
                        .withMode(CreateMode.PERSISTENT)
                        .forPath(
                                path + "/i-1_0000000001",
                                "{\"host\":\"10.0.0.1\",\"port\":80,\"name\":\"i-1\"}"
                                        .getBytes(StandardCharsets.UTF_8));
            }
            DiscoveryConfig.ZooKeeper config = new DiscoveryConfig.ZooKeeper(
                    List.of(server.getConnectString()),
                    path,
                    RegistrationFormat.NERVE,
                    Optional.of(path),
                    Optional.empty());
            List<String> hosts = config.hosts();
            try (ZooKeeperWatcher watcher =
                    new ZooKeeperWatcher("web", config, clients.acquire(hosts), sink, events, Clock.systemUTC())) {
                watcher.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
                int before = sink.snapshots("web").size();

                server.stop();
                // The registry is reported lost, and for longer than the session timeout nothing is published.
                await().atMost(Duration.ofSeconds(20)).until(() -> sink.transitions().stream()
                        .anyMatch(t -> t.state() == DiscoverySink.RegistryState.LOST));
                await().during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(6))
                        .until(() -> sink.snapshots("web").size() == before);

                server.restart();
                try (CuratorFramework writer =
                        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
                    writer.start();
                    writer.create()
                            .forPath(
                                    path + "/i-2_0000000002",
                                    "{\"host\":\"10.0.0.2\",\"port\":80,\"name\":\"i-2\"}"
                                            .getBytes(StandardCharsets.UTF_8));
                }
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> sink.backends("web").size() == 2);
                sink.snapshots("web").forEach(s -> assertTrue(!s.backends().isEmpty()));
                assertEquals("10.0.0.1", sink.backends("web").get(0).host());
            }
        } finally {
            events.shutdownNow();
        }
    }
}
