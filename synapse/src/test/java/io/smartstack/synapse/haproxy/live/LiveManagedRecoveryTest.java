package io.smartstack.synapse.haproxy.live;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.testing.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A managed HAProxy that cannot start, or dies, is started again; its status says why it is not ready. */
class LiveManagedRecoveryTest {
    private final HttpBackends backends = new HttpBackends();
    private final LiveHaproxy haproxy = new LiveHaproxy("");
    private final int port = FreePorts.next();
    private ConfigGenerator generator;

    @AfterEach
    void stop() throws Exception {
        if (generator != null) {
            generator.close();
        }
        haproxy.close();
        backends.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> status() {
        return (Map<String, Object>) generator.status();
    }

    @SuppressWarnings("unchecked")
    private List<String> notReady() {
        return (List<String>) status().get("notReady");
    }

    private double readyGauge() {
        return haproxy.metrics.get("synapse.haproxy.ready").gauge().value();
    }

    @Test
    void aFrontendPortHeldAtStartIsNotReadyThenServesWithinOneBackoffStepOfItsRelease() throws Exception {
        Backend a = backend("a", "127.0.0.1", backends.start("a"));
        generator = haproxy.newGenerator();
        generator.start();
        try (ServerSocket squatter = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            generator.apply(DesiredState.of(List.of(service("web", List.of(a), LiveHaproxy.service(port, "")))));
            long heldUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < heldUntil) {
                List<String> reasons = notReady();
                assertFalse(reasons.isEmpty(), "not ready while the port is taken");
                assertTrue(reasons.get(0).contains("managed HAProxy is not running"), reasons.toString());
                assertTrue(reasons.get(0).contains("cannot bind socket"), reasons.toString());
                assertEquals(0.0, readyGauge());
                Thread.sleep(200);
            }
            assertTrue((int) status().get("failedStarts") >= 2, status().toString());
        }
        long freed = System.nanoTime();
        // held 3 s: attempts at 0, 1, 3 s -> the next one is at most 4 s after the release
        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Traffic.send(port, 3).keySet().equals(Set.of("a")));
        assertTrue(System.nanoTime() - freed < Duration.ofSeconds(6).toNanos());
        await().atMost(Duration.ofSeconds(5)).until(() -> notReady().isEmpty());
        assertEquals(1.0, readyGauge());
        assertEquals(0, status().get("failedStarts"));
    }

    @Test
    void aManagedHaproxyKilledThreeTimesIsBackEachTime() throws Exception {
        Backend a = backend("a", "127.0.0.1", backends.start("a"));
        generator = haproxy.newGenerator();
        generator.start();
        generator.apply(DesiredState.of(List.of(service("web", List.of(a), LiveHaproxy.service(port, "")))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 3).keySet().equals(Set.of("a")));
        Set<Long> masters = new HashSet<>();
        masters.add(haproxy.masterPid().orElseThrow());
        for (int kill = 1; kill <= 3; kill++) {
            haproxy.killHaproxy();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Traffic.send(port, 3).keySet().equals(Set.of("a")));
            masters.add(haproxy.masterPid().orElseThrow());
            assertEquals(kill + 1, masters.size(), "a new master each time");
            await().atMost(Duration.ofSeconds(5)).until(() -> notReady().isEmpty());
        }
        assertEquals(3, status().get("restarts"));
        assertEquals(3.0, haproxy.metrics.counter("synapse.haproxy.restarts").count());
    }

    @Test
    void aConfigInstallThatFailsWithAnIoErrorIsNotReadyWithTheErrorUntilTheFileCanBeWrittenAgain() throws Exception {
        Backend a = backend("a", "127.0.0.1", backends.start("a"));
        Backend b = backend("b", "127.0.0.1", backends.start("b"));
        generator = haproxy.newGenerator();
        generator.start();
        generator.apply(DesiredState.of(List.of(service("web", List.of(a), LiveHaproxy.service(port, "")))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 3).keySet().equals(Set.of("a")));
        await().atMost(Duration.ofSeconds(5)).until(() -> notReady().isEmpty());

        // a directory where the candidate file must go: every write of the config fails (EISDIR)
        Path candidate =
                haproxy.configFile().resolveSibling(haproxy.configFile().getFileName() + ".candidate");
        Files.createDirectories(candidate.resolve("in-the-way"));
        generator.apply(DesiredState.of(List.of(service("web", List.of(a, b), LiveHaproxy.service(port, "")))));
        await().atMost(Duration.ofSeconds(5)).until(() -> notReady().stream()
                .anyMatch(reason -> reason.startsWith("the installed config is older than the desired one: "
                        + "cannot install " + haproxy.configFile())));
        assertEquals(0.0, readyGauge());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 6).keySet().equals(Set.of("a", "b")));
        assertFalse(haproxy.installedConfig().contains("b_127.0.0.1"), "the file could not follow the runtime");
        assertFalse(notReady().isEmpty(), "still not ready: nothing rewrote the file");

        Files.delete(candidate.resolve("in-the-way"));
        Files.delete(candidate);
        await().atMost(Duration.ofSeconds(5)).until(() -> notReady().isEmpty());
        assertTrue(haproxy.installedConfig().contains("b_127.0.0.1"), "the latest config installed on the retry");
        assertEquals(1.0, readyGauge());
        assertEquals("", status().get("configInstallFailure"));
    }
}
