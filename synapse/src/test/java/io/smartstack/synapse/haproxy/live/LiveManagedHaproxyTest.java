package io.smartstack.synapse.haproxy.live;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The managed HAProxy outlives its owner, is adopted without a reload, and is restarted when it dies. */
class LiveManagedHaproxyTest {
    private final HttpBackends backends = new HttpBackends();
    private final LiveHaproxy haproxy = new LiveHaproxy("  server_order_seed: 7\n");
    private final int port = FreePorts.next();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        haproxy.close();
        backends.close();
    }

    private ConfigGenerator started() throws Exception {
        ConfigGenerator generator = haproxy.newGenerator();
        toClose.add(0, generator);
        generator.start();
        return generator;
    }

    @Test
    void killOfTheOwnerLeavesTrafficFlowingAndANewGeneratorAdoptsWithoutReload() throws Exception {
        int portA = backends.start("a");
        int portB = backends.start("b");
        Path settings = haproxy.directory.resolve("settings.yaml");
        Files.writeString(settings, haproxy.settingsYaml());
        String section = LiveHaproxy.service(port, "").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ExternalProcess owner = ExternalProcess.start(
                "generator-owner",
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classpath,
                        GeneratorProcessMain.class.getName(),
                        settings.toString(),
                        section,
                        "a:" + portA,
                        "b:" + portB),
                haproxy.directory);
        toClose.add(owner);
        await().atMost(Duration.ofSeconds(30)).until(() -> owner.logText().contains("applied"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 10).keySet().equals(Set.of("a", "b")));
        long worker = haproxy.workerPid();
        long master = haproxy.masterPid().orElseThrow();
        int reloads = haproxy.masterReloads();

        owner.kill(); // SIGKILL: no close, no shutdown hook

        assertTrue(!owner.isAlive());
        assertEquals(Set.of("a", "b"), Traffic.send(port, 20).keySet());
        ConfigGenerator adopter = started();
        adopter.apply(DesiredState.of(List.of(service(
                "web",
                List.of(backend("a", "127.0.0.1", portA), backend("b", "127.0.0.1", portB)),
                LiveHaproxy.service(port, "")))));
        assertEquals(worker, haproxy.workerPid());
        assertEquals(master, haproxy.masterPid().orElseThrow());
        assertEquals(reloads, haproxy.masterReloads());
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) adopter.status();
        assertEquals(0, status.get("reloads"));
        assertEquals(master, status.get("masterPid"));
        assertEquals(Set.of("a", "b"), Traffic.send(port, 20).keySet());
    }

    @Test
    void aDeadHaproxyIsRestarted() throws Exception {
        Backend a = backend("a", "127.0.0.1", backends.start("a"));
        ConfigGenerator generator = started();
        generator.apply(DesiredState.of(List.of(service("web", List.of(a), LiveHaproxy.service(port, "")))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 3).keySet().equals(Set.of("a")));
        long master = haproxy.masterPid().orElseThrow();

        haproxy.killHaproxy();

        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Traffic.send(port, 3).keySet().equals(Set.of("a")));
        assertNotEquals(master, haproxy.masterPid().orElseThrow());
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) generator.status();
        assertEquals(1, status.get("restarts"));
        assertEquals(1.0, haproxy.metrics.counter("synapse.haproxy.restarts").count());
    }
}
