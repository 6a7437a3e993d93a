package io.smartstack.synapse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.haproxy.HaproxyGeneratorFactory;
import io.smartstack.synapse.haproxy.live.HttpBackends;
import io.smartstack.synapse.haproxy.live.LiveHaproxy;
import io.smartstack.synapse.haproxy.live.Traffic;
import io.smartstack.synapse.reconcile.Reconciler;
import io.smartstack.testing.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole Synapse daemon (admin API over HTTP, real ZooKeeper in process) with a real managed
 * HAProxy 2.6: {@code GET /healthz}, {@code /status} and the HTML page tell the truth about the data
 * plane, as a systemd or Kubernetes probe polling it sees.
 */
class SynapseHealthzLiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Reconciler.Settings SETTINGS =
            new Reconciler.Settings(Duration.ofMillis(500), Duration.ofMinutes(5));

    private final HttpBackends backends = new HttpBackends();
    private final LiveHaproxy haproxy = new LiveHaproxy("");
    private final HttpClient http = HttpClient.newHttpClient();
    private final int port = FreePorts.next();
    private TestingServer zookeeper;
    private Synapse synapse;

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(true);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (synapse != null) {
            synapse.close();
        }
        haproxy.close();
        zookeeper.close();
        backends.close();
    }

    private void startSynapse() throws Exception {
        int backend = backends.start("a");
        Path file = haproxy.directory.resolve("synapse.yaml");
        Files.writeString(
                file,
                """
                services:
                  web:
                    discovery: {method: zookeeper, hosts: ["%s"], path: /nerve/services/web/services}
                    default_servers: [{name: a, host: 127.0.0.1, port: %d}]
                    haproxy: {port: %d, server_options: "check inter 300ms rise 1 fall 1",
                              listen: ["mode http", "option httpchk GET /health"]}
                admin: {bind: 127.0.0.1, port: 0}
                """
                                .formatted(zookeeper.getConnectString(), backend, port)
                        + haproxy.settingsYaml());
        SynapseConfigLoader loader =
                new SynapseConfigLoader(List.of(new HaproxyGeneratorFactory()), EnvironmentSubstitution.system());
        synapse = new Synapse(file, loader, SETTINGS, Clock.systemUTC());
        synapse.start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + synapse.adminPort() + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzIsNotOkWhileAFrontendPortIsHeldAndHaproxyServesWithinOneBackoffStepOfItsRelease() throws Exception {
        HttpResponse<String> held;
        try (ServerSocket squatter = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            startSynapse();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get("/healthz").body().contains("cannot bind socket"));
            long heldUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            do {
                held = get("/healthz");
                assertEquals(503, held.statusCode(), held.body());
                JsonNode body = JSON.readTree(held.body());
                assertFalse(body.get("ready").asBoolean());
                assertTrue(body.get("reasons").toString().contains("managed HAProxy is not running"), held.body());
                Thread.sleep(200);
            } while (System.nanoTime() < heldUntil);

            JsonNode status = JSON.readTree(get("/status").body());
            assertTrue(status.get("not_ready").toString().contains("cannot bind socket"), status.toString());
            String page = get("/").body();
            assertTrue(page.contains("class=\"not-ready\""), page);
            assertTrue(page.contains("managed HAProxy is not running"), page);
        }
        long freed = System.nanoTime();
        // held >= 3 s: attempts at 0, 1, 3, 7 s (doubling) -> the next one comes at most 4 s after the release
        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Traffic.send(port, 3).keySet().equals(Set.of("a")));
        Duration took = Duration.ofNanos(System.nanoTime() - freed);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "served " + took.toMillis() + " ms after the release");
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/healthz").statusCode() == 200);
        JsonNode ok = JSON.readTree(get("/healthz").body());
        assertTrue(ok.get("ready").asBoolean());
        assertEquals(0, ok.get("reasons").size());
        JsonNode status = JSON.readTree(get("/status").body());
        assertEquals(0, status.get("not_ready").size(), status.toString());
        assertFalse(get("/").body().contains("class=\"not-ready\""));
    }
}
