package io.smartstack.synapse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.fakes.RecordingGenerator;
import io.smartstack.synapse.fakes.RecordingGeneratorFactory;
import io.smartstack.synapse.fakes.StandInHaproxyFactory;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.output.FileOutputFactory;
import io.smartstack.synapse.reconcile.Reconciler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole daemon in-process against a real ZooKeeper: admin API, reload, state file across restarts. */
class SynapseDaemonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Reconciler.Settings SETTINGS =
            new Reconciler.Settings(Duration.ofMillis(500), Duration.ofMinutes(5));

    @TempDir
    Path directory;

    private TestingServer zookeeper;
    private CuratorFramework writer;
    private final HttpClient http = HttpClient.newHttpClient();
    private Synapse synapse;

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(true);
        writer = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        writer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (synapse != null) {
            synapse.close();
        }
        writer.close();
        zookeeper.close();
    }

    private static SynapseConfigLoader loader() {
        // An explicit list, so these tests do not depend on which generators are installed.
        return new SynapseConfigLoader(
                List.of(new RecordingGeneratorFactory(), new FileOutputFactory(), new StandInHaproxyFactory()),
                EnvironmentSubstitution.system());
    }

    private Path writeConfig(String id, String extraServices) throws Exception {
        Path file = directory.resolve("synapse.yaml");
        Files.writeString(
                file,
                """
                services:
                  web:
                    discovery: {method: zookeeper, hosts: ["%s"], path: /nerve/services/web/services}
                    default_servers: [{name: fallback, host: 127.0.0.1, port: 9999}]
                    keep_default_servers: false
                %s
                recording: {id: %s}
                file_output: {output_directory: %s}
                haproxy: {state_file_path: %s, state_file_ttl: 3600}
                admin: {bind: 127.0.0.1, port: 0}
                """
                        .formatted(
                                zookeeper.getConnectString(),
                                extraServices,
                                id,
                                directory.resolve("out"),
                                directory.resolve("state.json")));
        return file;
    }

    private void register(String name, String host, int port) throws Exception {
        writer.create()
                .creatingParentsIfNeeded()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(
                        "/nerve/services/web/services/" + name + "_",
                        ("{\"host\":\"" + host + "\",\"port\":" + port + ",\"name\":\"" + name
                                        + "\",\"weight\":5,\"labels\":{\"az\":\"a\"}}")
                                .getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + synapse.adminPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Synapse start(Path config) throws Exception {
        synapse = new Synapse(config, loader(), SETTINGS, Clock.systemUTC());
        synapse.start();
        return synapse;
    }

    @Test
    void statusJsonDescribesEveryServiceAndBackend() throws Exception {
        register("i-1", "10.0.0.1", 8080);
        start(writeConfig("status", ""));
        RecordingGenerator generator = RecordingGenerator.byId("status");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> generator.backends("web").size() == 1);
        // the status is published just after the generator gets the backends
        await().atMost(Duration.ofSeconds(10))
                .until(() -> JSON.readTree(get("/status").body()).get("ready").asBoolean());

        HttpResponse<String> response = get("/status");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode status = JSON.readTree(response.body());
        assertTrue(status.get("ready").asBoolean());
        assertEquals(1, status.get("applies").asInt());
        assertFalse(status.get("last_change").isNull());
        JsonNode registry = status.get("registries").get("zookeeper:" + zookeeper.getConnectString());
        assertEquals("connected", registry.get("state").asText());
        JsonNode web = status.get("services").get(0);
        assertEquals("web", web.get("name").asText());
        assertEquals("zookeeper", web.get("discovery").asText());
        assertEquals("discovered", web.get("selection").asText());
        assertEquals(1, web.get("counts").get("registry").asInt());
        assertEquals(0, web.get("counts").get("default_servers").asInt());
        JsonNode backend = web.get("backends").get(0);
        assertEquals("i-1", backend.get("name").asText());
        assertEquals("10.0.0.1", backend.get("host").asText());
        assertEquals(8080, backend.get("port").asInt());
        assertEquals("i-1_10.0.0.1:8080", backend.get("server_name").asText());
        assertEquals(5, backend.get("weight").asInt());
        assertEquals("a", backend.get("labels").get("az").asText());
        assertEquals("registry", backend.get("origin").asText());
        assertTrue(backend.get("id").isIntegralNumber());
        assertEquals("UP", backend.get("recording").get("state").asText(), "the generator's per-server view");
        assertEquals(
                "status", status.get("generators").get("recording").get("id").asText());
        assertNull(status.get("generators").get("recording").get("services"));
        assertEquals(
                0, status.get("generators").get("file_output").get("removals").asInt());
    }

    @Test
    void healthzFollowsTheGeneratorsReadinessMetricsAndTheHtmlPageAnswer() throws Exception {
        register("i-1", "10.0.0.1", 8080);
        start(writeConfig("pages", ""));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> RecordingGenerator.byId("pages").backends("web").size() == 1);

        HttpResponse<String> health = get("/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", JSON.readTree(health.body()).get("status").asText());

        RecordingGenerator.byId("pages").notReady(List.of("managed HAProxy is not running: cannot bind socket"));
        HttpResponse<String> down = get("/healthz");
        assertEquals(503, down.statusCode(), down.body());
        assertFalse(JSON.readTree(down.body()).get("ready").asBoolean());
        assertTrue(down.body().contains("managed HAProxy is not running: cannot bind socket"), down.body());
        assertEquals(
                "recording: managed HAProxy is not running: cannot bind socket",
                JSON.readTree(get("/status").body()).get("not_ready").get(0).asText());
        String notReadyPage = get("/").body();
        assertTrue(
                notReadyPage.contains("<div class=\"not-ready\"><b>Not ready</b> (GET /healthz answers 503):<ul>"
                        + "<li>recording: managed HAProxy is not running: cannot bind socket</li>"),
                notReadyPage);
        RecordingGenerator.byId("pages").notReady(List.of());
        assertEquals(200, get("/healthz").statusCode());
        assertEquals(0, JSON.readTree(get("/status").body()).get("not_ready").size());
        assertFalse(get("/").body().contains("class=\"not-ready\""));

        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("synapse_backends{origin=\"registry\",service=\"web\"} 1"), metrics.body());
        assertTrue(metrics.body().contains("synapse_registry_events_total{service=\"web\"}"), metrics.body());
        assertTrue(metrics.body().contains("synapse_propagation_seconds_count"), metrics.body());

        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("http-equiv=\"refresh\""));
        assertTrue(page.body().contains("i-1_10.0.0.1:8080"));
        assertTrue(page.body().contains("<tr class=\"up\">"), page.body());
        assertFalse(page.body().contains("src=") || page.body().contains("<link"), "no external assets");
    }

    @Test
    void reloadWithAnInvalidConfigKeepsTheOldAndAValidOneIsInstalled() throws Exception {
        register("i-1", "10.0.0.1", 8080);
        Path config = writeConfig("reload-1", "");
        start(config);
        RecordingGenerator first = RecordingGenerator.byId("reload-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.backends("web").size() == 1);

        Files.writeString(config, Files.readString(config).replace("keep_default_servers", "keep_default_server"));
        assertFalse(synapse.reload());
        assertEquals(0, first.closes(), "the running generator stays");
        assertEquals(
                List.of("web"),
                synapse.reconciler().status().services().stream()
                        .map(s -> s.name())
                        .toList());

        writeConfig(
                "reload-2",
                """
                  fixed:
                    discovery: {method: base}
                    default_servers: [{host: 10.5.5.5, port: 80}]
                """);
        assertTrue(synapse.reload());
        RecordingGenerator second = RecordingGenerator.byId("reload-2");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> second.backends("fixed").size() == 1);
        assertEquals(1, first.closes());
        assertEquals(1, second.starts());
        assertEquals(1, second.backends("web").size(), "the service that stays keeps its backends");
        assertEquals(
                BackendOrigin.DEFAULT_SERVERS, second.backends("fixed").get(0).origin());
        assertTrue(Files.exists(directory.resolve("out/fixed.json")));
    }

    @Test
    void metricsArePushedToStatsdWhenConfigured() throws Exception {
        try (java.net.DatagramSocket statsd =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            statsd.setSoTimeout(200);
            register("i-1", "10.0.0.1", 8080);
            Path config = writeConfig("statsd", "");
            Files.writeString(
                    config,
                    Files.readString(config) + "statsd: {host: 127.0.0.1, port: " + statsd.getLocalPort() + "}\n");
            start(config);
            StringBuilder received = new StringBuilder();
            java.util.concurrent.atomic.AtomicInteger registered = new java.util.concurrent.atomic.AtomicInteger(1);
            // Lines sent before the UDP client is connected are dropped, so keep causing registry events.
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        int next = registered.incrementAndGet();
                        register("i-" + next, "10.0.0." + next, 8080);
                        byte[] buffer = new byte[65536];
                        java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
                        try {
                            statsd.receive(packet);
                            received.append(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8))
                                    .append('\n');
                        } catch (java.net.SocketTimeoutException e) {
                            // nothing yet
                        }
                        return received.toString().contains("synapse.registry.events");
                    });
            assertTrue(received.toString().contains("service:web"), received.toString());
        }
    }

    @Test
    void theOriginalsMetricNamesArePushedToStatsdWhenAsked() throws Exception {
        try (java.net.DatagramSocket statsd =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            statsd.setSoTimeout(200);
            register("i-1", "10.0.0.1", 8080);
            Path config = writeConfig("statsd-original", "");
            Files.writeString(
                    config,
                    Files.readString(config) + "statsd: {host: 127.0.0.1, port: " + statsd.getLocalPort()
                            + ", metric_names: original}\n");
            start(config);
            List<String> lines = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger registered = new java.util.concurrent.atomic.AtomicInteger(1);
            // Lines sent before the UDP client is connected are dropped, so keep causing registry events.
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        int next = registered.incrementAndGet();
                        register("i-" + next, "10.0.0." + next, 8080);
                        byte[] buffer = new byte[65536];
                        java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
                        try {
                            statsd.receive(packet);
                            new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8)
                                    .lines()
                                    .forEach(lines::add);
                        } catch (java.net.SocketTimeoutException e) {
                            // nothing yet
                        }
                        return lines.contains("synapse.watcher.zk.discovery:1|c|#service_name:web")
                                && lines.contains("synapse.config.update:1|c");
                    });
            assertEquals(
                    List.of(),
                    lines.stream()
                            .filter(line -> !line.startsWith("synapse.watcher.zk.discovery:")
                                    && !line.startsWith("synapse.config.update:"))
                            .toList(),
                    "only the original's names are sent");
        }
    }

    @Test
    void aStateFileOfTheOriginalSynapseSeedsRememberedBackendsAndTheirServerIds() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Files.writeString(
                directory.resolve("state.json"),
                """
                {
                  "web": {
                    "i-1_10.0.0.1:8080": {
                      "timestamp": %d, "haproxy_server_id": 3, "name": "i-1", "host": "10.0.0.1", "port": 8080,
                      "id": 4, "weight": 5, "haproxy_server_options": null, "labels": {"az": "a"}
                    },
                    "i-9_10.0.0.9:8080": {
                      "timestamp": %d, "haproxy_server_id": 8, "name": "i-9", "host": "10.0.0.9", "port": 8080,
                      "id": 2, "weight": null, "haproxy_server_options": null, "labels": null
                    },
                    "watcher_config_for_generator": {"haproxy": {"port": 3213}}
                  }
                }
                """
                        .formatted(now, now - 60));
        register("i-1", "10.0.0.1", 8080);
        start(writeConfig("original-state", ""));

        RecordingGenerator generator = RecordingGenerator.byId("original-state");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> generator.backends("web").size() == 2);
        Map<String, Backend> byName = new java.util.TreeMap<>();
        generator.backends("web").forEach(backend -> byName.put(backend.name(), backend));
        assertEquals(BackendOrigin.REGISTRY, byName.get("i-1").origin());
        assertEquals(java.util.OptionalInt.of(3), byName.get("i-1").haproxyServerId(), "the original's id, kept");
        assertEquals(BackendOrigin.STATE_CACHE, byName.get("i-9").origin(), "seen a minute ago, within the TTL");
        assertEquals(java.util.OptionalInt.of(8), byName.get("i-9").haproxyServerId());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(directory.resolve("state.json")).contains("\"services\""));
    }

    @Test
    void theStateFileKeepsBackendsAcrossARestartDuringARegistryOutage() throws Exception {
        register("i-1", "10.0.0.1", 8080);
        register("i-2", "10.0.0.2", 8080);
        Path config = writeConfig("before-restart", "");
        start(config);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> RecordingGenerator.byId("before-restart")
                                .backends("web")
                                .size()
                        == 2);
        zookeeper.stop();
        synapse.close();

        writeConfig("after-restart", "");
        start(config);

        RecordingGenerator restarted = RecordingGenerator.byId("after-restart");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> restarted.backends("web").size() == 2);
        assertEquals(
                List.of("10.0.0.1", "10.0.0.2"),
                restarted.backends("web").stream().map(b -> b.host()).sorted().toList());
        assertTrue(restarted.backends("web").stream().allMatch(b -> b.origin() == BackendOrigin.PREVIOUS_BACKENDS));
        JsonNode written = JSON.readTree(directory.resolve("out/web.json").toFile());
        assertEquals(2, written.size());
    }
}
