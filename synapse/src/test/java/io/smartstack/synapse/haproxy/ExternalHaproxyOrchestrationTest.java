package io.smartstack.synapse.haproxy;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.synapse.fakes.LogCapture;
import io.smartstack.synapse.haproxy.render.HaproxyConfigRenderer;
import io.smartstack.synapse.haproxy.runtime.FakeHaproxyRuntime;
import io.smartstack.synapse.haproxy.runtime.Refusals;
import io.smartstack.synapse.haproxy.runtime.ServerRef;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.DesiredState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HAProxy orchestration (reconciliation, runtime sync, reloads) in external mode, against a
 * hand-written in-memory HAProxy: what it sends, when it reloads, how it treats refusals and stale
 * sessions. The same behaviours against a real HAProxy are in {@code live.LiveExternalHaproxyTest}.
 */
class ExternalHaproxyOrchestrationTest {
    @TempDir
    Path directory;

    private FakeHaproxyRuntime haproxy;
    private HaproxyGenerator generator;

    @BeforeEach
    void start() throws Exception {
        Path config = directory.resolve("haproxy.cfg");
        Path marker = directory.resolve("reloaded");
        haproxy = new FakeHaproxyRuntime(config, marker);
        String yaml = "haproxy:\n"
                + "  config_file_path: " + config + "\n"
                + "  socket_file_path: " + FakeHaproxyRuntime.SOCKET + "\n"
                + "  reload_command: touch " + marker + "\n"
                + "  do_checks: false\n"
                + "  restart_interval: 0.05\n"
                + "  drain_timeout: 1s\n"
                + "  global: []\n"
                + "  defaults: ['mode http', 'balance roundrobin']\n";
        generator = new HaproxyGenerator(
                Fixtures.settings(yaml),
                HaproxyConfigRenderer.withDefaultTemplate(),
                new HaproxyMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                haproxy);
        generator.start();
    }

    @AfterEach
    void stop() {
        generator.close();
    }

    private static DesiredState web(List<Backend> servers) throws Exception {
        return DesiredState.of(List.of(service(
                "web", servers, new ObjectMapper().readTree("{\"port\": 3213, \"server_options\": \"check\"}"))));
    }

    private int reloads() {
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) generator.status();
        return (Integer) status.get("reloads");
    }

    @Test
    void churnInAnExistingServiceNeverReloadsAfterTheOneThatAddsTheService() throws Exception {
        List<Backend> servers = new ArrayList<>(List.of(backend("a", "10.0.0.1", 80)));
        generator.apply(web(servers));
        assertEquals(1, haproxy.reloads(), "the new service needs the one reload");

        for (int i = 0; i < 10; i++) {
            servers.add(backend("n" + i, "10.0.1." + i, 80));
            generator.apply(web(servers));
        }
        servers.subList(1, 6).clear();
        generator.apply(web(servers));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> haproxy.servers("web").size() == servers.size());
        assertEquals(1, haproxy.reloads());
        assertEquals(1, reloads());
        assertEquals(0, haproxy.openSessions(), "no session is held between passes");
    }

    @Test
    void aChangeToOneOfManyServicesReadsAndChangesThatServiceOnlyAndTheFileFollowsWithoutAReload() throws Exception {
        Map<String, List<Backend>> backends = new java.util.TreeMap<>();
        for (int i = 0; i < 30; i++) {
            backends.put(
                    String.format("s%02d", i),
                    new ArrayList<>(
                            List.of(backend("a", "10.0." + i + ".1", 80), backend("b", "10.0." + i + ".2", 80))));
        }
        generator.apply(many(backends, 3300));
        assertEquals(1, haproxy.reloads(), "the new services need the one reload");
        await().atMost(Duration.ofSeconds(5)).until(() -> haproxy.servers("s29").size() == 2);
        settled();
        int readsBefore = haproxy.reads().size();
        int sentBefore = haproxy.sent().size();

        backends.get("s07").add(backend("c", "10.0.7.3", 80));
        generator.apply(many(backends, 3300));

        List<String> reads = haproxy.reads();
        assertEquals(List.of("s07"), reads.subList(readsBefore, reads.size()));
        List<String> sent = haproxy.sent().subList(sentBefore, haproxy.sent().size());
        assertFalse(sent.isEmpty());
        assertTrue(sent.stream().allMatch(line -> line.contains(" s07/c_10.0.7.3:80")), sent.toString());
        assertTrue(haproxy.servers("s07").containsKey("c_10.0.7.3:80"));
        await().atMost(ConfigWriter.SPACING.plusSeconds(3))
                .until(() -> java.nio.file.Files.readString(directory.resolve("haproxy.cfg"))
                        .contains("server c_10.0.7.3:80 10.0.7.3:80"));
        assertEquals(1, haproxy.reloads(), "a new server is added at runtime");

        // a removal drains, then deletes: each follow-up looks at that service again, only
        readsBefore = haproxy.reads().size();
        backends.get("s12").remove(0);
        generator.apply(many(backends, 3300));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !haproxy.servers("s12").containsKey("a_10.0.12.1:80"));
        reads = haproxy.reads();
        assertTrue(reads.subList(readsBefore, reads.size()).stream().allMatch("s12"::equals), reads.toString());

        // a changed service setting is not a runtime change: a whole pass, and the reload it needs
        readsBefore = reads.size();
        generator.apply(many(backends, 4400));
        reads = haproxy.reads();
        assertTrue(reads.subList(readsBefore, reads.size()).contains("all"), reads.toString());
        assertEquals(2, haproxy.reloads());
    }

    /** Waits until no pass has read HAProxy for 300 ms (the follow-up of a reload is done). */
    private void settled() {
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> seen.getAndSet(haproxy.reads().size())
                        == haproxy.reads().size());
    }

    /** One service per entry, each with a frontend on {@code basePort} + its index. */
    private static DesiredState many(Map<String, List<Backend>> backends, int basePort) throws Exception {
        List<io.smartstack.synapse.model.ServiceState> services = new ArrayList<>();
        int port = basePort;
        for (Map.Entry<String, List<Backend>> entry : backends.entrySet()) {
            services.add(service(
                    entry.getKey(),
                    entry.getValue(),
                    new ObjectMapper().readTree("{\"port\": " + port++ + ", \"server_options\": \"check\"}")));
        }
        return DesiredState.of(services);
    }

    @Test
    void commandsThatReachAStoppingProcessArePlannedAgainOnTheNewOneWithoutAReload() throws Exception {
        Backend a = backend("a", "10.0.0.1", 80);
        generator.apply(web(List.of(a)));
        haproxy.reloadDuringNextBatch();

        generator.apply(web(List.of(a, backend("b", "10.0.0.2", 80))));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> haproxy.servers("web").containsKey("b_10.0.0.2:80")
                        && haproxy.servers("web").get("b_10.0.0.2:80").adminState()
                                == io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState.READY);
        assertEquals(1, haproxy.reloads(), "only the startup reload: a stale session is not a failure");
    }

    @Test
    void aRefusedDeleteIsRetriedWithBackoffAndLoggedOnce() throws Exception {
        Backend a = backend("a", "10.0.0.1", 80);
        Backend b = backend("b", "10.0.0.2", 80);
        generator.apply(web(List.of(a, b)));
        ServerRef gone = new ServerRef("web", "b_10.0.0.2:80");
        haproxy.refuseDeletes(gone, 3);

        try (LogCapture log = new LogCapture(RuntimeSync.class)) {
            generator.apply(web(List.of(a)));

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !haproxy.servers("web").containsKey(gone.server()));
            assertEquals(
                    1,
                    log.count(Level.WARN, "still has connections"),
                    log.messages(Level.WARN).toString());
        }
        long deletes = haproxy.sent().stream()
                .filter(line -> line.equals("del server " + gone))
                .count();
        assertEquals(4, deletes, "three refusals, then the delete that worked");
        assertEquals(1, haproxy.reloads());
    }

    @Test
    void aDeleteRefusedOnceForClosingConnectionsAndAcceptedOnItsRetryLogsNoWarning() throws Exception {
        Backend a = backend("a", "10.0.0.1", 80);
        Backend b = backend("b", "10.0.0.2", 80);
        generator.apply(web(List.of(a, b)));
        ServerRef gone = new ServerRef("web", "b_10.0.0.2:80");
        haproxy.refuseDeletes(gone, 1);

        try (LogCapture log = new LogCapture(RuntimeSync.class)) {
            generator.apply(web(List.of(a)));

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !haproxy.servers("web").containsKey(gone.server()));
            assertEquals(List.of(), log.messages(Level.WARN), "a refusal its retry resolved is not a warning");
        }
        long deletes = haproxy.sent().stream()
                .filter(line -> line.equals("del server " + gone))
                .count();
        assertEquals(2, deletes, "one refusal, then the delete that worked");
    }

    @Test
    void aDeleteRefusedForeverIsGivenUpAfterABoundedNumberOfAttempts() throws Exception {
        Backend a = backend("a", "10.0.0.1", 80);
        Backend b = backend("b", "10.0.0.2", 80);
        generator.apply(web(List.of(a, b)));
        ServerRef stuck = new ServerRef("web", "b_10.0.0.2:80");
        haproxy.refuseDeletes(stuck, 1_000);

        try (LogCapture log = new LogCapture(RuntimeSync.class)) {
            generator.apply(web(List.of(a)));

            await().atMost(Duration.ofSeconds(15)).until(() -> log.count(Level.ERROR, "given up") == 1);
            assertEquals(1, log.count(Level.WARN, "still has connections"));
        }
        // no attempt follows the last one
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> haproxy.sent().stream()
                                .filter(line -> line.equals("del server " + stuck))
                                .count()
                        == Refusals.MAX_ATTEMPTS);
        assertTrue(haproxy.servers("web").containsKey(stuck.server()), "left in maintenance");
        assertEquals(1, haproxy.reloads(), "a refusal never reloads");
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) generator.status();
        assertFalse(((Map<?, ?>) status.get("refusedCommands")).isEmpty(), status.toString());
    }
}
