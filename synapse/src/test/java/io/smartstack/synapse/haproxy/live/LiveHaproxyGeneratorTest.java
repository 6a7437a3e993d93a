package io.smartstack.synapse.haproxy.live;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator against a real managed HAProxy 2.6, real HTTP backends and real traffic. */
class LiveHaproxyGeneratorTest {
    private HttpBackends backends;
    private LiveHaproxy haproxy;
    private ConfigGenerator generator;
    private final int port = FreePorts.next();

    @BeforeEach
    void start() throws Exception {
        backends = new HttpBackends();
        haproxy = new LiveHaproxy("");
        generator = haproxy.newGenerator();
        generator.start();
    }

    @AfterEach
    void stop() {
        if (generator != null) {
            generator.close();
        }
        haproxy.close();
        backends.close();
    }

    private Backend live(String name) {
        return backend(name, "127.0.0.1", backends.start(name));
    }

    private DesiredState web(List<Backend> servers) {
        return DesiredState.of(List.of(service("web", servers, LiveHaproxy.service(port, ""))));
    }

    private static Map<String, Integer> awaitAnswers(int port, int count, java.util.Set<String> expected) {
        List<Map<String, Integer>> last = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<String, Integer> answers = Traffic.send(port, count);
                    last.add(0, answers);
                    return answers.keySet().equals(expected);
                });
        return last.get(0);
    }

    @Test
    void aBackendRegisteredWithAHostNameIsAddedAtRuntimeAtItsAddressAndKeepsTheNameInItsServerName() {
        Backend a = live("a");
        generator.apply(web(List.of(a)));
        awaitAnswers(port, 5, java.util.Set.of("a"));
        int reloads = haproxy.masterReloads();
        Backend named = backend("named", "localhost", backends.start("named"));

        generator.apply(web(List.of(a, named)));

        awaitAnswers(port, 20, java.util.Set.of("a", "named"));
        assertEquals(reloads, haproxy.masterReloads());
        String state = haproxy.runtime("show servers state web");
        assertTrue(state.contains(" named_localhost:" + named.port() + " 127.0.0.1 "), state);
        await().atMost(Duration.ofSeconds(5)).until(() -> haproxy.installedConfig()
                .contains("server named_localhost:" + named.port() + " localhost:"));
    }

    @Test
    void aDynamicServerReusesIdleConnectionsToItsBackendLikeAConfigFileServer() {
        Backend a = live("a");
        generator.apply(web(List.of(a)));
        awaitAnswers(port, 5, java.util.Set.of("a"));
        int reloads = haproxy.masterReloads();
        Backend b = live("b");
        generator.apply(web(List.of(b))); // b is added at runtime, a drains

        awaitAnswers(port, 5, java.util.Set.of("b"));
        Traffic.send(port, 200);

        assertEquals(reloads, haproxy.masterReloads());
        String stat = haproxy.runtime("show stat -1 4 -1");
        List<String> header =
                List.of(stat.lines().findFirst().orElseThrow().substring(2).split(","));
        String[] row = stat.lines()
                .filter(line -> line.startsWith("web," + b.serverName() + ","))
                .findFirst()
                .orElseThrow()
                .split(",");
        long connects = Long.parseLong(row[header.indexOf("connect")]);
        long reuses = Long.parseLong(row[header.indexOf("reuse")]);
        assertTrue(reuses > 150 && connects < 50, "connections opened " + connects + ", reused " + reuses);
    }

    @Test
    void requestsReachExactlyTheBackendsOfTheDesiredState() {
        Backend a = live("a");
        Backend b = live("b");
        live("c"); // running but not desired: must never be reached
        generator.apply(web(List.of(a, b)));

        Map<String, Integer> answers = awaitAnswers(port, 40, java.util.Set.of("a", "b"));

        assertEquals(40, answers.get("a") + answers.get("b"));
        assertEquals(0, backends.hits("c"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> haproxy.installedConfig().contains("server a_127.0.0.1:")
                        && haproxy.installedConfig().contains("server b_127.0.0.1:"));
    }

    @Test
    void removingABackendStopsNewRequestsWithoutReload() {
        Backend a = live("a");
        Backend b = live("b");
        generator.apply(web(List.of(a, b)));
        awaitAnswers(port, 20, java.util.Set.of("a", "b"));
        long worker = haproxy.workerPid();
        int reloads = haproxy.masterReloads();

        generator.apply(web(List.of(a)));
        long hitsOfB = backends.hits("b");

        assertEquals(java.util.Set.of("a"), Traffic.send(port, 30).keySet());
        assertEquals(hitsOfB, backends.hits("b"));
        assertEquals(worker, haproxy.workerPid());
        assertEquals(reloads, haproxy.masterReloads());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !haproxy.installedConfig().contains("server b_"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !haproxy.runtime("show servers state web").contains(" b_127.0.0.1:"));
    }

    @Test
    void upDownFlipGoesThroughTheSocketWithoutReload() {
        Backend a = live("a");
        Backend b = live("b");
        generator.apply(web(List.of(a, b)));
        awaitAnswers(port, 20, java.util.Set.of("a", "b"));
        long worker = haproxy.workerPid();
        int reloads = haproxy.masterReloads();

        generator.apply(web(List.of(a, b.withOrigin(BackendOrigin.STATE_CACHE))));
        assertEquals(java.util.Set.of("a"), Traffic.send(port, 20).keySet());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> java.util.regex.Pattern.compile("server b_127\\.0\\.0\\.1:\\d+ .* disabled")
                        .matcher(haproxy.installedConfig())
                        .find());

        generator.apply(web(List.of(a, b)));
        awaitAnswers(port, 20, java.util.Set.of("a", "b"));

        assertEquals(worker, haproxy.workerPid());
        assertEquals(reloads, haproxy.masterReloads());
    }

    @Test
    void newServiceCausesExactlyOneValidatedReload() {
        Backend a = live("a");
        Backend b = live("b");
        generator.apply(web(List.of(a)));
        awaitAnswers(port, 5, java.util.Set.of("a"));
        int reloads = haproxy.masterReloads();
        int apiPort = FreePorts.next();

        generator.apply(DesiredState.of(List.of(
                service("web", List.of(a), LiveHaproxy.service(port, "")),
                service("api", List.of(b), LiveHaproxy.service(apiPort, "")))));

        awaitAnswers(apiPort, 5, java.util.Set.of("b"));
        assertEquals(reloads + 1, haproxy.masterReloads());
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) generator.status();
        assertEquals(1, status.get("reloads"));
        assertTrue(status.get("lastReloads").toString().contains("section 'frontend api' is new"), status.toString());
        generator.apply(DesiredState.of(List.of(
                service("web", List.of(a), LiveHaproxy.service(port, "")),
                service("api", List.of(b), LiveHaproxy.service(apiPort, "")))));
        assertEquals(reloads + 1, haproxy.masterReloads());
    }

    @Test
    void brokenBackendLineNeverReachesTheRunningHaproxy() throws Exception {
        Backend a = live("a");
        generator.apply(web(List.of(a)));
        awaitAnswers(port, 5, java.util.Set.of("a"));
        String good = haproxy.installedConfig();
        int reloads = haproxy.masterReloads();

        generator.apply(DesiredState.of(List.of(
                service("web", List.of(a), LiveHaproxy.service(port, ", \"backend\": [\"no-such-keyword 1\"]")))));

        assertEquals(good, haproxy.installedConfig());
        assertTrue(java.nio.file.Files.readString(haproxy.directory.resolve("haproxy.cfg.failed"))
                .contains("no-such-keyword 1"));
        assertEquals(reloads, haproxy.masterReloads());
        assertEquals(java.util.Set.of("a"), Traffic.send(port, 5).keySet());
        assertEquals(
                1.0,
                haproxy.metrics.counter("synapse.haproxy.config.check.failures").count());
    }

    @Test
    void adding50BackendsToALiveServiceUnderTrafficCausesNoReload() {
        Backend first = live("s0");
        generator.apply(web(List.of(first)));
        awaitAnswers(port, 5, java.util.Set.of("s0"));
        long worker = haproxy.workerPid();
        int reloads = haproxy.masterReloads();
        List<Backend> servers = new ArrayList<>(List.of(first));
        try (Traffic traffic = new Traffic(port).start(4)) {
            for (int i = 1; i <= 50; i++) {
                servers.add(live("s" + i));
                generator.apply(web(servers));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> backends.hits("s50") > 0 && backends.hits("s25") > 0);
            traffic.close();
            assertEquals(0, traffic.failed());
            assertTrue(traffic.ok() > 0);
        }
        assertEquals(worker, haproxy.workerPid());
        assertEquals(reloads, haproxy.masterReloads());
        String state = haproxy.runtime("show servers state web");
        for (int i = 0; i <= 50; i++) {
            assertTrue(state.contains(" s" + i + "_127.0.0.1:"), "s" + i);
        }
    }
}
