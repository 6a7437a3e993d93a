package io.smartstack.synapse.discovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.common.zookeeper.ServerVersion;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.fakes.LogCapture;
import io.smartstack.synapse.fakes.RecordingSink;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.testing.ZooKeeperObserver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ZooKeeperWatcherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestingServer server;
    private static CuratorFramework writer;

    private final RecordingSink sink = new RecordingSink();
    private final ExecutorService events = Executors.newSingleThreadExecutor();
    private ZooKeeperClients clients;
    private DiscoveryWatcher watcher;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(true);
        writer = ZooKeeperObserver.connected(server.getConnectString());
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        writer.close();
        server.close();
    }

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
        if (clients != null) {
            clients.close();
        }
        events.shutdownNow();
    }

    /** The watch mode under test: the one the server's version gives (persistent, on this server). */
    ZooKeeperWatcher.WatchMode mode(ServerVersion version) {
        return ZooKeeperWatcher.WatchMode.forServer(version);
    }

    private CuratorFramework watch(String service, DiscoveryConfig.ZooKeeper config) throws Exception {
        clients = new ZooKeeperClients(sink);
        CuratorFramework client = clients.acquire(config.hosts());
        watcher = new ZooKeeperWatcher(service, config, client, sink, events, Clock.systemUTC(), this::mode);
        watcher.start();
        return client;
    }

    private static DiscoveryConfig.ZooKeeper config(String path, RegistrationFormat format) {
        return new DiscoveryConfig.ZooKeeper(
                List.of(server.getConnectString()), path, format, Optional.of(path), Optional.empty());
    }

    private static String register(String path, String prefix, String json) throws Exception {
        return writer.create()
                .creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(path + "/" + prefix, json.getBytes(StandardCharsets.UTF_8));
    }

    private static long sequence(String createdPath) {
        return Long.parseLong(createdPath.substring(createdPath.lastIndexOf('_') + 1));
    }

    private static Backend backend(String host, int port, String name, long id, Map<String, String> labels) {
        return new Backend(
                host,
                port,
                name,
                OptionalLong.of(id),
                OptionalInt.empty(),
                Optional.empty(),
                labels,
                BackendOrigin.REGISTRY);
    }

    @Test
    void decodesNerveRegistrationsTakingTheIdFromTheSuffixAndDroppingUnknownFields() throws Exception {
        String path = "/nerve/decode/services";
        String first = register(
                path,
                "i-1_",
                "{\"host\":\"10.0.0.1\",\"port\":8080,\"name\":\"i-1\",\"unknown\":true,"
                        + "\"labels\":{\"az\":\"a\"}}");
        watch("web", config(path, RegistrationFormat.NERVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
        assertEquals(
                List.of(backend("10.0.0.1", 8080, "i-1", sequence(first), Map.of("az", "a"))), sink.backends("web"));

        String second = register(path, "i-2_", "{\"host\":\"10.0.0.2\",\"port\":8081,\"name\":\"i-2\",\"weight\":3}");
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web").size() == 2);
        Backend added = sink.backends("web").get(1);
        assertEquals(sequence(second), added.id().getAsLong());
        assertEquals(OptionalInt.of(3), added.weight());

        writer.delete().forPath(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web").size() == 1);
        assertEquals("i-2", sink.backends("web").get(0).name());
    }

    @Test
    void aLoadOfManyRegistrationsReadsEveryOneAndSkipsOnlyTheBadOne() throws Exception {
        String path = "/nerve/many/services";
        int good = 5 * ZooKeeperWatcher.READS_PER_REQUEST + 3; // whole batches and a partial one
        for (int i = 0; i < good; i++) {
            register(path, "i-" + i + "_", "{\"host\":\"10.0.1." + i + "\",\"port\":8080,\"name\":\"i-" + i + "\"}");
            if (i == 11) {
                register(path, "bad_", "{\"host\":\"10.0.1.250\",\"port\":0}");
            }
        }
        watch("many", config(path, RegistrationFormat.NERVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("many") != null);
        List<Backend> backends = sink.backends("many");
        assertEquals(good, backends.size());
        assertEquals(
                java.util.stream.IntStream.range(0, good)
                        .mapToObj(i -> "10.0.1." + i)
                        .sorted()
                        .toList(),
                backends.stream().map(Backend::host).sorted().toList());
        List<RejectedRegistration> rejected = sink.latest("many").orElseThrow().rejected();
        assertEquals(1, rejected.size());
        assertTrue(rejected.get(0).path().startsWith(path + "/bad_"), rejected.toString());
    }

    @Test
    void znodesTooLargeForOneAnswerCostAtMostOneReconnectionAndAreRejectedAlone() throws Exception {
        String path = "/nerve/oversized/services";
        register(path, "i-1_", "{\"host\":\"10.0.2.1\",\"port\":8080,\"name\":\"i-1\"}");
        // Two znodes of 700 kB: each fits ZooKeeper's 1 MB packet limit alone, not both in one answer.
        String padding = "x".repeat(700_000);
        String big1 = register(path, "big_", "{\"host\":\"10.0.2.8\",\"port\":8080,\"pad\":\"" + padding + "\"}");
        String big2 = register(path, "big_", "{\"host\":\"10.0.2.9\",\"port\":8080,\"pad\":\"" + padding + "\"}");
        register(path, "i-2_", "{\"host\":\"10.0.2.2\",\"port\":8080,\"name\":\"i-2\"}");
        watch("oversized", config(path, RegistrationFormat.NERVE));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sink.backends("oversized") != null
                        && sink.latest("oversized").orElseThrow().rejected().size() == 2);
        assertEquals(
                List.of("10.0.2.1", "10.0.2.2"),
                sink.backends("oversized").stream().map(Backend::host).sorted().toList());
        assertEquals(
                List.of(big1, big2),
                sink.latest("oversized").orElseThrow().rejected().stream()
                        .map(RejectedRegistration::path)
                        .sorted()
                        .toList());
        // Steady from then on: no further connection losses while the znodes stay.
        long lostBefore = lostConnections();
        Thread.sleep(3000);
        assertTrue(lostBefore <= 1, "connection lost " + lostBefore + " times");
        assertEquals(lostBefore, lostConnections(), "connection lost again after the oversized znodes were read");
        String added = register(path, "i-3_", "{\"host\":\"10.0.2.3\",\"port\":8080,\"name\":\"i-3\"}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sink.backends("oversized").size() == 3);
        writer.delete().forPath(added);
    }

    private long lostConnections() {
        return sink.transitions().stream()
                .filter(t -> t.state() == DiscoverySink.RegistryState.LOST)
                .count();
    }

    @Test
    void decodesServersets() throws Exception {
        String path = "/aurora/serverset";
        register(
                path,
                "member_",
                "{\"serviceEndpoint\":{\"host\":\"10.1.0.1\",\"port\":31000},"
                        + "\"additionalEndpoints\":{\"admin\":{\"host\":\"10.1.0.1\",\"port\":31001}},\"shard\":7,"
                        + "\"status\":\"ALIVE\"}");
        watch("aurora", config(path, new RegistrationFormat.Serverset(Optional.of("admin"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("aurora") != null);
        Backend backend = sink.backends("aurora").get(0);
        assertEquals("10.1.0.1", backend.host());
        assertEquals(31001, backend.port());
        assertEquals("7", backend.name());
    }

    @Test
    void skipsABadZnodeWithOneWarning() throws Exception {
        String path = "/nerve/bad/services";
        register(path, "good_", "{\"host\":\"10.0.0.1\",\"port\":8080,\"name\":\"good\"}");
        String bad = register(path, "bad_", "this is not json");
        register(path, "nohost_", "{\"port\":8080,\"name\":\"nohost\"}");
        try (LogCapture log = new LogCapture(RegistrationDecoder.class)) {
            watch("web", config(path, RegistrationFormat.NERVE));
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
            for (int i = 0; i < 5; i++) {
                register(path, "more_", "{\"host\":\"10.0.1." + i + "\",\"port\":8080,\"name\":\"more\"}");
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> sink.backends("web").size() == 6);
            assertEquals(1, log.count(Level.WARN, bad), log.messages(Level.WARN)::toString);
            assertEquals(2, log.messages(Level.WARN).size(), log.messages(Level.WARN)::toString);
        }
    }

    @Test
    void decodesBase64ChildNamesWithoutTheirData() throws Exception {
        String path = "/nerve/encoded/services";
        Registration registration = Registration.of("10.0.0.7", 9000, "i-7");
        String prefix = RegistrationCodec.childNamePrefix(registration, "i-7", true);
        // Empty data: only the name can supply the registration.
        String created = writer.create()
                .creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(path + "/" + prefix, new byte[0]);
        watch("web", config(path, RegistrationFormat.NERVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
        assertEquals(List.of(backend("10.0.0.7", 9000, "i-7", sequence(created), Map.of())), sink.backends("web"));
    }

    @Test
    void aMissingPathIsEmptyAndIsWatchedUntilItAppears() throws Exception {
        String path = "/nerve/later/services";
        watch("web", config(path, RegistrationFormat.NERVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
        assertEquals(List.of(), sink.backends("web"));

        register(path, "i-1_", "{\"host\":\"10.0.0.1\",\"port\":8080,\"name\":\"i-1\"}");

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web").size() == 1);
    }

    @Test
    void readsTheGeneratorConfigFromThePathItself() throws Exception {
        String path = "/nerve/configured/services";
        writer.create().creatingParentsIfNeeded().forPath(path, "{\"haproxy\":{\"port\":4000}}".getBytes());
        watch("web", config(path, RegistrationFormat.NERVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
        assertEquals(
                JSON.readTree("{\"haproxy\":{\"port\":4000}}"),
                sink.latest("web").orElseThrow().generatorConfig().orElseThrow());

        writer.setData().forPath(path, "{\"haproxy\":{\"port\":4001}}".getBytes());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sink.latest("web")
                                .orElseThrow()
                                .generatorConfig()
                                .orElseThrow()
                                .path("haproxy")
                                .path("port")
                                .asInt()
                        == 4001);
    }

    @Test
    void readsTheGeneratorConfigFromASeparateNodeOrNoneWhenDisabled() throws Exception {
        String path = "/nerve/separate/services";
        writer.create().creatingParentsIfNeeded().forPath(path, "{\"haproxy\":{\"port\":1}}".getBytes());
        writer.create().creatingParentsIfNeeded().forPath("/config/separate", "{\"haproxy\":{\"port\":2}}".getBytes());
        watch(
                "separate",
                new DiscoveryConfig.ZooKeeper(
                        List.of(server.getConnectString()),
                        path,
                        RegistrationFormat.NERVE,
                        Optional.of("/config/separate"),
                        Optional.empty()));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("separate") != null);
        assertEquals(
                2,
                sink.latest("separate")
                        .orElseThrow()
                        .generatorConfig()
                        .orElseThrow()
                        .path("haproxy")
                        .path("port")
                        .asInt());
        watcher.close();
        clients.close();

        watch(
                "disabled",
                new DiscoveryConfig.ZooKeeper(
                        List.of(server.getConnectString()),
                        path,
                        RegistrationFormat.NERVE,
                        Optional.empty(),
                        Optional.empty()));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("disabled") != null);
        assertEquals(Optional.empty(), sink.latest("disabled").orElseThrow().generatorConfig());
    }

    @Test
    void sessionExpiryDoesNotEmptyTheService() throws Exception {
        String path = "/nerve/expiry/services";
        register(path, "i-1_", "{\"host\":\"10.0.0.1\",\"port\":8080,\"name\":\"i-1\"}");
        CuratorFramework client = watch("web", config(path, RegistrationFormat.NERVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
        int before = sink.snapshots("web").size();

        client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sink.transitions().stream()
                                .filter(t -> t.state() == DiscoverySink.RegistryState.CONNECTED)
                                .count()
                        >= 2);
        register(path, "i-2_", "{\"host\":\"10.0.0.2\",\"port\":8080,\"name\":\"i-2\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.backends("web").size() == 2);

        assertTrue(sink.transitions().stream().anyMatch(t -> t.state() == DiscoverySink.RegistryState.LOST));
        sink.snapshots("web").stream()
                .skip(before)
                .forEach(s -> assertTrue(!s.backends().isEmpty(), "a snapshot emptied the service: " + s));
    }

    @Test
    void withDiscoveryJitterABurstOfChangesSoonAfterAPublicationIsPublishedOnceAfterTheDelay() throws Exception {
        String path = "/nerve/jitter/services";
        register(path, "i-0_", "{\"host\":\"10.0.0.10\",\"port\":80,\"name\":\"i-0\"}");
        DiscoveryConfig.ZooKeeper config = new DiscoveryConfig.ZooKeeper(
                List.of(server.getConnectString()),
                path,
                RegistrationFormat.NERVE,
                Optional.of(path),
                Optional.empty(),
                Optional.empty(),
                Optional.of(Duration.ofSeconds(4)));
        clients = new ZooKeeperClients(sink);
        var timer = Executors.newSingleThreadScheduledExecutor();
        try {
            watcher = new ZooKeeperWatcher(
                    "web",
                    config,
                    clients.acquire(config.hosts()),
                    sink,
                    new ZooKeeperWatcher.Threads(events, timer),
                    Clock.systemUTC());
            watcher.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.backends("web") != null);
            long start = System.nanoTime();
            for (int i = 1; i <= 5; i++) {
                register(path, "i-" + i + "_", "{\"host\":\"10.0.0." + i + "\",\"port\":80,\"name\":\"i-" + i + "\"}");
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> sink.backends("web").size() == 6);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            // without jitter each of the five creations is its own snapshot
            assertEquals(2, sink.snapshots("web").size(), "the initial snapshot and one for the whole burst");
            assertTrue(waitedMillis >= 1_900, "published after at least half the jitter, took " + waitedMillis + " ms");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aRetryPolicyGivesItsOwnClientRetryingAsTheOriginal() {
        clients = new ZooKeeperClients(sink);
        List<String> hosts = List.of(server.getConnectString());
        var policy = new io.smartstack.synapse.config.RetryPolicySettings(
                3, Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(2));
        CuratorFramework plain = clients.acquire(hosts);
        CuratorFramework withPolicy = clients.acquire(hosts, Optional.of(policy));
        CuratorFramework again = clients.acquire(hosts, Optional.of(policy));

        assertTrue(withPolicy != plain, "a different policy needs a different client");
        assertTrue(withPolicy == again, "the same policy shares the client");
        OriginalRetryPolicy retry =
                (OriginalRetryPolicy) withPolicy.getZookeeperClient().getRetryPolicy();
        assertEquals(policy, retry.settings());
        assertTrue(!(plain.getZookeeperClient().getRetryPolicy() instanceof OriginalRetryPolicy));
        clients.release(hosts, Optional.of(policy));
        clients.release(hosts, Optional.of(policy));
        clients.release(hosts);
    }
}
