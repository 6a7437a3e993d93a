package io.smartstack.nerve.reporter;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.nerve.config.NodeType;
import io.smartstack.nerve.config.ZooKeeperReporterConfig;
import io.smartstack.testing.ZooKeeperObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZooKeeperReporterTest {
    private static final Registration REGISTRATION = Registration.of("10.0.0.5", 8080, "i-abc")
            .withWeight(2)
            .withHaproxyServerOptions("backup")
            .withLabels(Map.of("az", "us-east-1a"));

    private TestingServer server;
    private ZooKeeperPool pool;
    private CuratorFramework observer;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
        pool = new ZooKeeperPool();
        observer = ZooKeeperObserver.connected(server.getConnectString());
    }

    @AfterEach
    void stop() throws Exception {
        observer.close();
        pool.close();
        server.close();
    }

    private ZooKeeperReporterConfig config(String path, NodeType type, boolean encode, Optional<Duration> ttl) {
        return new ZooKeeperReporterConfig(
                List.of(server.getConnectString()),
                path,
                type,
                ttl,
                encode,
                Optional.of(Duration.ofSeconds(10)),
                Optional.empty());
    }

    private ZooKeeperReporter reporter(ZooKeeperReporterConfig config) {
        SharedZooKeeper zooKeeper = pool.acquire(config.settings());
        await().atMost(Duration.ofSeconds(10)).until(zooKeeper::isConnected);
        return new ZooKeeperReporter("web", REGISTRATION, config, zooKeeper, 10, () -> {});
    }

    private List<String> children(String path) throws Exception {
        try {
            return observer.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private Optional<String> ownedBy(String path, long session) throws Exception {
        for (String child : children(path)) {
            Stat stat = observer.checkExists().forPath(path + "/" + child);
            if (stat != null && stat.getEphemeralOwner() == session) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    @Test
    void writesTheBytesTheOriginalNerveWritesUnderASequentialName() throws Exception {
        ZooKeeperReporter reporter = reporter(
                config("/nerve/services/web/services", NodeType.EPHEMERAL_SEQUENTIAL, false, Optional.empty()));
        reporter.report(true);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> children("/nerve/services/web/services").size() == 1);
        String child = children("/nerve/services/web/services").get(0);
        assertTrue(child.matches("i-abc_\\d{10}"), child);
        byte[] data = observer.getData().forPath("/nerve/services/web/services/" + child);
        assertEquals(
                "{\"host\":\"10.0.0.5\",\"port\":8080,\"name\":\"i-abc\",\"weight\":2,"
                        + "\"haproxy_server_options\":\"backup\",\"labels\":{\"az\":\"us-east-1a\"}}",
                new String(data, StandardCharsets.UTF_8));
        Stat stat = observer.checkExists().forPath("/nerve/services/web/services/" + child);
        assertNotEquals(0, stat.getEphemeralOwner(), "ephemeral");
        assertEquals(Optional.of("/nerve/services/web/services/" + child), reporter.registeredPath());
        reporter.report(false);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> children("/nerve/services/web/services").isEmpty());
    }

    @Test
    void pathEncodingPutsTheRegistrationInTheNodeName() throws Exception {
        reporter(config("/encoded", NodeType.EPHEMERAL_SEQUENTIAL, true, Optional.empty()))
                .report(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> children("/encoded").size() == 1);
        String child = children("/encoded").get(0);
        String encoded = Base64.getUrlEncoder().encodeToString(RegistrationCodec.encode(REGISTRATION));
        assertTrue(child.startsWith("base64_" + encoded.length() + "_" + encoded + "_"), child);
        assertEquals(
                REGISTRATION,
                RegistrationCodec.decodeChildName(child).orElseThrow().registration());
        assertArrayEquals(
                RegistrationCodec.encode(REGISTRATION), observer.getData().forPath("/encoded/" + child));
    }

    @Test
    void persistentNodeSurvivesTheSessionGetsItsDataResetEveryTtlAndIsDeletedOnDrain() throws Exception {
        ZooKeeperReporter reporter =
                reporter(config("/persistent", NodeType.PERSISTENT, false, Optional.of(Duration.ofMillis(300))));
        reporter.report(true);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> children("/persistent").equals(List.of("i-abc_")));
        Stat first = observer.checkExists().forPath("/persistent/i-abc_");
        assertEquals(0, first.getEphemeralOwner());
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    reporter.report(true);
                    return observer.checkExists().forPath("/persistent/i-abc_").getVersion() > first.getVersion();
                });
        reporter.close(Duration.ofSeconds(2));
        assertEquals(List.of(), children("/persistent"));
    }

    @Test
    void ephemeralNodeIsReCreatedWithinOneIntervalAfterSessionExpiry() throws Exception {
        ZooKeeperReporter reporter =
                reporter(config("/expiry", NodeType.EPHEMERAL_SEQUENTIAL, false, Optional.empty()));
        Duration interval = Duration.ofMillis(200);
        ScheduledExecutorService cycles = Executors.newSingleThreadScheduledExecutor();
        try {
            cycles.scheduleWithFixedDelay(() -> reporter.report(true), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> children("/expiry").size() == 1);
            String before = children("/expiry").get(0);
            long oldSession = reporter.zooKeeper().sessionId();
            reporter.zooKeeper()
                    .client()
                    .getZookeeperClient()
                    .getZooKeeper()
                    .getTestable()
                    .injectSessionExpiration();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> reporter.zooKeeper().isConnected()
                            && reporter.zooKeeper().sessionId() != oldSession);
            long reconnected = System.nanoTime();
            // The injected expiry is client-side: the server drops the old node only when it times the
            // old session out, so look for a node owned by the new session.
            long newSession = reporter.zooKeeper().sessionId();
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> ownedBy("/expiry", newSession).isPresent());
            long tookMillis = (System.nanoTime() - reconnected) / 1_000_000;
            assertTrue(tookMillis <= interval.toMillis() + 500, "re-created " + tookMillis + "ms after reconnect");
            assertNotEquals(before, ownedBy("/expiry", newSession).get());
            assertEquals(Optional.of("/expiry/" + ownedBy("/expiry", newSession).get()), reporter.registeredPath());
        } finally {
            cycles.shutdownNow();
        }
    }

    @Test
    void aServerOutageShorterThanTheSessionKeepsTheSameNode() throws Exception {
        ZooKeeperReporter reporter =
                reporter(config("/outage", NodeType.EPHEMERAL_SEQUENTIAL, false, Optional.empty()));
        reporter.report(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> children("/outage").size() == 1);
        String before = children("/outage").get(0);
        server.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> !reporter.zooKeeper().isConnected());
        reporter.report(true);
        server.restart();
        await().atMost(Duration.ofSeconds(15)).until(reporter.zooKeeper()::isConnected);
        reporter.report(true);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> children("/outage")
                .equals(List.of(before)));
        assertEquals(Optional.of("/outage/" + before), reporter.registeredPath());
    }

    @Test
    void servicesOnTheSameEnsembleShareOneSessionWhateverTheHostOrder() throws Exception {
        String hosts = server.getConnectString();
        ZooKeeperReporterConfig first = new ZooKeeperReporterConfig(
                List.of(hosts, "127.0.0.2:1"),
                "/a",
                NodeType.EPHEMERAL_SEQUENTIAL,
                Optional.empty(),
                false,
                Optional.of(Duration.ofSeconds(10)),
                Optional.empty());
        ZooKeeperReporterConfig second = new ZooKeeperReporterConfig(
                List.of("127.0.0.2:1", hosts),
                "/b",
                NodeType.EPHEMERAL_SEQUENTIAL,
                Optional.empty(),
                false,
                Optional.of(Duration.ofSeconds(10)),
                Optional.empty());
        SharedZooKeeper a = pool.acquire(first.settings());
        SharedZooKeeper b = pool.acquire(second.settings());
        assertSame(a, b);
        assertEquals(1, pool.clients().size());
        pool.release(a);
        assertEquals(1, pool.clients().size());
        pool.release(b);
        assertEquals(0, pool.clients().size());
    }

    @Test
    void withDigestCredentialsOthersCanReadButNotDelete() throws Exception {
        ZooKeeperReporterConfig config = new ZooKeeperReporterConfig(
                List.of(server.getConnectString()),
                "/secure",
                NodeType.EPHEMERAL,
                Optional.empty(),
                false,
                Optional.of(Duration.ofSeconds(10)),
                Optional.of("nerve:secret"));
        reporter(config).report(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> children("/secure").equals(List.of("i-abc_")));
        assertArrayEquals(
                RegistrationCodec.encode(REGISTRATION), observer.getData().forPath("/secure/i-abc_"));
        assertThrows(
                KeeperException.NoAuthException.class, () -> observer.setData().forPath("/secure/i-abc_", new byte[0]));
    }

    @Test
    void aFixedEphemeralNodeLeftByAnotherSessionIsTakenOverAndDeletedOnDeregistration() throws Exception {
        // a previous Nerve's node, still held by its live session
        observer.create()
                .creatingParentsIfNeeded()
                .withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                .forPath("/fixed/i-abc_", "stale".getBytes(StandardCharsets.UTF_8));
        long observerSession = observer.getZookeeperClient().getZooKeeper().getSessionId();
        ZooKeeperReporter reporter = reporter(config("/fixed", NodeType.EPHEMERAL, false, Optional.empty()));
        long session = reporter.zooKeeper().sessionId();
        reporter.report(true);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ownedBy("/fixed", session).isPresent());
        assertEquals(Optional.empty(), ownedBy("/fixed", observerSession));
        assertArrayEquals(
                RegistrationCodec.encode(REGISTRATION), observer.getData().forPath("/fixed/i-abc_"));
        assertEquals(List.of("/fixed/i-abc_"), reporter.ownedZnodes());

        reporter.report(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> children("/fixed").isEmpty());
        assertEquals(List.of(), reporter.ownedZnodes());
    }
}
