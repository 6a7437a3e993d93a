package io.smartstack.synapse.discovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.fakes.RecordingSink;
import io.smartstack.synapse.model.Backend;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PollingWatchersTest {
    private final RecordingSink sink = new RecordingSink();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void zookeeperPollSeesChangesOnTheNextPollAndPublishesOnlyChanges() throws Exception {
        try (TestingServer server = new TestingServer(true);
                ZooKeeperClients clients = new ZooKeeperClients(sink);
                CuratorFramework writer =
                        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
            writer.start();
            String path = "/nerve/polled/services";
            DiscoveryConfig.ZooKeeper config = new DiscoveryConfig.ZooKeeper(
                    List.of(server.getConnectString()),
                    path,
                    RegistrationFormat.NERVE,
                    Optional.of(path),
                    Optional.of(Duration.ofMillis(100)));
            CuratorFramework client = clients.acquire(config.hosts());
            client.blockUntilConnected();
            try (ZooKeeperPollWatcher watcher =
                    new ZooKeeperPollWatcher("web", config, client, sink, scheduler, Clock.systemUTC())) {
                watcher.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
                assertEquals(List.of(), sink.backends("web"), "a missing path is an empty service");

                writer.create()
                        .creatingParentsIfNeeded()
                        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                        .forPath(
                                path + "/i-1_",
                                "{\"host\":\"10.0.0.1\",\"port\":80,\"name\":\"i-1\"}"
                                        .getBytes(StandardCharsets.UTF_8));
                writer.create()
                        .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                        .forPath(path + "/broken_", "{".getBytes(StandardCharsets.UTF_8));
                // both children seen: the good one as a backend, the broken one as a rejection (a poll between
                // the two creates publishes the first alone, and the next one the rejection)
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> sink.backends("web").size() == 1
                                && !sink.latest("web").orElseThrow().rejected().isEmpty());
                int published = sink.snapshots("web").size();
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(2))
                        .until(() -> sink.snapshots("web").size() == published);
                assertEquals("10.0.0.1", sink.backends("web").get(0).host());
            }
        }
    }

    @Test
    void dnsGivesOneBackendPerAddressAndKeepsTheLastResultWhenResolutionFails() {
        Map<String, List<String>> answers =
                new ConcurrentHashMap<>(Map.of("api.test", List.of("10.0.0.1", "10.0.0.2")));
        DnsWatcher.Resolver resolver = host -> {
            List<String> addresses = answers.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            return addresses;
        };
        DiscoveryConfig.Dns config = new DiscoveryConfig.Dns(
                List.of(new DiscoveryConfig.DnsServer("api", "api.test", 443, Map.of("zone", "a"))),
                Duration.ofMillis(50));
        try (DnsWatcher watcher = new DnsWatcher("api", config, sink, scheduler, resolver, Clock.systemUTC())) {
            watcher.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.backends("api") != null);
            assertEquals(
                    List.of("10.0.0.1:443", "10.0.0.2:443"),
                    sink.backends("api").stream()
                            .map(b -> b.host() + ":" + b.port())
                            .toList());
            assertEquals(Map.of("zone", "a"), sink.backends("api").get(0).labels());
            assertEquals("api", sink.backends("api").get(0).name());

            answers.remove("api.test");
            int published = sink.snapshots("api").size();
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> sink.snapshots("api").size() == published);

            answers.put("api.test", List.of("10.0.0.3"));
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.backends("api").stream()
                    .map(Backend::host)
                    .toList()
                    .equals(List.of("10.0.0.3")));
        }
    }

    @Test
    void theSystemResolverResolvesLocalhost() throws Exception {
        List<String> addresses = DnsWatcher.Resolver.SYSTEM.resolve("localhost");
        assertEquals(
                true, addresses.contains("127.0.0.1") || addresses.contains("0:0:0:0:0:0:0:1"), addresses::toString);
    }
}
