package io.smartstack.nerve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.nerve.config.NerveConfigReader;
import io.smartstack.testing.HealthEndpoint;
import io.smartstack.testing.ZooKeeperObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nerve in this JVM against a real ZooKeeper and real HTTP health endpoints, driven through its admin API. */
class NerveDaemonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path directory;

    private TestingServer zooKeeper;
    private CuratorFramework observer;
    private HealthEndpoint web;
    private HealthEndpoint other;
    private Path configFile;
    private Nerve nerve;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        zooKeeper = new TestingServer(true);
        observer = ZooKeeperObserver.connected(zooKeeper.getConnectString());
        web = HealthEndpoint.start();
        other = HealthEndpoint.start();
        configFile = directory.resolve("nerve.yaml");
    }

    @AfterEach
    void stop() throws Exception {
        if (nerve != null) {
            nerve.close();
        }
        web.close();
        other.close();
        observer.close();
        zooKeeper.close();
    }

    private String service(String name, int port, int rise, int fall) {
        return """
                  %s:
                    host: 127.0.0.1
                    port: %d
                    zk_hosts: ["%s"]
                    zk_path: /nerve/services/%s/services
                    check_interval: %s
                    checks:
                      - {type: http, uri: /health, timeout: 1, rise: %d, fall: %d}
                """
                .formatted(name, port, zooKeeper.getConnectString(), name, "200ms", rise, fall);
    }

    private void writeConfig(String... services) throws Exception {
        Files.writeString(configFile, "instance_id: box-1\nadmin: {port: 0}\nservices:\n" + String.join("", services));
    }

    private void startNerve() throws Exception {
        nerve = new Nerve(
                NerveConfigReader.load(configFile, Optional.empty()), Optional.of(configFile), Optional.empty());
        nerve.start();
    }

    private List<String> nodes(String service) throws Exception {
        try {
            return observer.getChildren().forPath("/nerve/services/" + service + "/services");
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private void awaitNodes(String service, int count) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> nodes(service).size() == count);
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nerve.adminPort() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode serviceStatus(String name) throws Exception {
        return JSON.readTree(admin("GET", "/services/" + name, null).body());
    }

    @Test
    void failingHealthRemovesTheNodeWithinFallIntervalsAndRiseBringsItBack() throws Exception {
        writeConfig(service("web", web.port(), 2, 2));
        startNerve();
        awaitNodes("web", 1);
        String data = new String(observer.getData()
                .forPath("/nerve/services/web/services/" + nodes("web").get(0)));
        assertEquals("{\"host\":\"127.0.0.1\",\"port\":" + web.port() + ",\"name\":\"box-1\"}", data);

        long failedAt = System.nanoTime();
        web.setStatus(500);
        awaitNodes("web", 0);
        long downMillis = (System.nanoTime() - failedAt) / 1_000_000;
        assertTrue(downMillis <= 2 * INTERVAL.toMillis() + 700, "deregistered after " + downMillis + "ms");
        JsonNode status = serviceStatus("web");
        assertFalse(status.get("up").asBoolean());
        assertTrue(status.get("checks").get(0).get("last_reason").asText().contains("HTTP 500"), status.toString());

        long recoveredAt = System.nanoTime();
        web.setStatus(200);
        awaitNodes("web", 1);
        long upMillis = (System.nanoTime() - recoveredAt) / 1_000_000;
        assertTrue(upMillis >= INTERVAL.toMillis(), "rise 2 needs two passing cycles, took " + upMillis + "ms");
        assertTrue(upMillis <= 2 * INTERVAL.toMillis() + 700, "re-registered after " + upMillis + "ms");
    }

    @Test
    void checksThatHangDoNotDelayTheChecksOfAnotherService() throws Exception {
        // A real socket that accepts every connection and never answers: each check of these services
        // waits for its 10 s timeout. More of them than Nerve's cycle pool has threads to begin with.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            try {
                StringBuilder services = new StringBuilder(service("web", web.port(), 1, 1));
                for (int i = 0; i < 8; i++) {
                    services.append(service("hung" + i, silent.getLocalPort(), 1, 1)
                            .replace("timeout: 1,", "timeout: 10,")
                            .replace("check_interval: 200ms", "check_interval: 100ms"));
                }
                writeConfig(services.toString());
                startNerve();
                awaitNodes("web", 1);
                await().atMost(Duration.ofSeconds(5)).until(() -> accepted.size() >= 8);

                // every hung service is now in a check that lasts 10 s; web is still checked every 200 ms
                long before = web.requests();
                await().atMost(Duration.ofSeconds(4))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> web.requests() >= before + 5);
                assertEquals(1, nodes("web").size());
                assertTrue(serviceStatus("web").get("up").asBoolean());
            } finally {
                silent.close();
                for (Socket socket : accepted) {
                    socket.close();
                }
                acceptor.join(5_000);
            }
        }
    }

    @Test
    void maintenanceAndAppReportedHealthRemoveAndRestoreTheNode() throws Exception {
        writeConfig(service("web", web.port(), 1, 1), service("api", other.port(), 1, 1));
        startNerve();
        awaitNodes("web", 1);
        awaitNodes("api", 1);

        assertEquals(
                200,
                admin("POST", "/services/web/maintenance", "{\"reason\":\"deploy 42\"}")
                        .statusCode());
        awaitNodes("web", 0);
        assertEquals(
                "deploy 42",
                serviceStatus("web").get("maintenance").get("reason").asText());
        assertTrue(serviceStatus("web").get("up").asBoolean(), "still checked and healthy in maintenance");
        assertEquals(1, nodes("api").size());
        admin("DELETE", "/services/web/maintenance", null);
        awaitNodes("web", 1);

        admin("POST", "/maintenance?reason=rack%20move", null);
        awaitNodes("web", 0);
        awaitNodes("api", 0);
        admin("DELETE", "/maintenance", null);
        awaitNodes("web", 1);
        awaitNodes("api", 1);

        HttpResponse<String> unhealthy =
                admin("PUT", "/services/api/health", "{\"healthy\":false,\"reason\":\"cache cold\"}");
        assertEquals(200, unhealthy.statusCode(), unhealthy.body());
        awaitNodes("api", 0);
        assertEquals(
                "cache cold",
                serviceStatus("api").get("app_unhealthy").get("reason").asText());
        admin("DELETE", "/services/api/health", null);
        awaitNodes("api", 1);

        admin("PUT", "/services/api/health", "{\"healthy\":false,\"reason\":\"warming\",\"expires_in\":\"1s\"}");
        awaitNodes("api", 0);
        awaitNodes("api", 1);
        assertTrue(serviceStatus("api").get("app_unhealthy").isNull());
        assertEquals(404, admin("POST", "/services/nope/maintenance", null).statusCode());
    }

    @Test
    void reloadAddsRemovesAndReplacesMakeBeforeBreakAndKeepsMaintenance() throws Exception {
        writeConfig(
                service("web", web.port(), 1, 1),
                service("api", other.port(), 1, 1),
                service("gone", web.port(), 1, 1));
        startNerve();
        awaitNodes("web", 1);
        awaitNodes("api", 1);
        awaitNodes("gone", 1);
        admin("POST", "/services/api/maintenance", "{\"reason\":\"kept across reloads\"}");
        awaitNodes("api", 0);
        String oldWebNode = nodes("web").get(0);

        AtomicInteger fewestWebNodes = new AtomicInteger(Integer.MAX_VALUE);
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                try {
                    fewestWebNodes.accumulateAndGet(nodes("web").size(), Math::min);
                } catch (Exception e) {
                    return;
                }
            }
        });
        writeConfig(
                service("web", other.port(), 1, 1),
                service("api", other.port(), 1, 1),
                service("added", web.port(), 1, 1));
        watcher.start();
        assertTrue(nerve.reload());
        watching.set(false);
        watcher.join();

        awaitNodes("gone", 0);
        awaitNodes("added", 1);
        awaitNodes("web", 1);
        assertFalse(nodes("web").contains(oldWebNode), "replaced by a new registration");
        String data = new String(observer.getData()
                .forPath("/nerve/services/web/services/" + nodes("web").get(0)));
        assertTrue(data.contains("\"port\":" + other.port()), data);
        assertEquals(1, fewestWebNodes.get(), "the new node exists before the old one is removed");
        assertEquals(0, nodes("api").size(), "maintenance survives the reload");
        assertEquals(
                "kept across reloads",
                serviceStatus("api").get("maintenance").get("reason").asText());
    }

    @Test
    void anInvalidConfigOnReloadIsRejectedAndTheOldOneKeepsRunning() throws Exception {
        writeConfig(service("web", web.port(), 1, 1));
        startNerve();
        awaitNodes("web", 1);
        Files.writeString(configFile, "instance_id: box-1\nservices:\n  web: {host: 127.0.0.1, prot: 1}\n");
        assertFalse(nerve.reload());
        web.setStatus(500);
        awaitNodes("web", 0);
        web.setStatus(200);
        awaitNodes("web", 1);
        assertEquals(List.of("web"), nerve.status().stream().map(s -> s.name()).toList());
    }

    @Test
    void dynamicRegistrationValidatesLikeTheConfigAndSurvivesReload() throws Exception {
        writeConfig(service("web", web.port(), 1, 1));
        startNerve();
        HttpResponse<String> bad =
                admin("PUT", "/services/dyn", "{\"host\":\"127.0.0.1\",\"prot\":80,\"checks\":[{\"type\":\"htp\"}]}");
        assertEquals(400, bad.statusCode());
        JsonNode problems = JSON.readTree(bad.body()).get("problems");
        String text = problems.toString();
        assertTrue(problems.size() >= 4, text);
        assertTrue(
                text.contains("Did you mean: port?")
                        && text.contains("zk_hosts")
                        && text.contains("Did you mean: http?"),
                text);

        String good =
                """
                {"host": "127.0.0.1", "port": %d, "zk_hosts": ["%s"], "zk_path": "/nerve/services/dyn/services",
                 "check_interval": 0.2, "checks": [{"type": "tcp"}]}
                """
                        .formatted(other.port(), zooKeeper.getConnectString());
        HttpResponse<String> created = admin("PUT", "/services/dyn", good);
        assertEquals(201, created.statusCode(), created.body());
        awaitNodes("dyn", 1);
        assertEquals("admin_api", serviceStatus("dyn").get("origin").asText());
        assertTrue(nerve.reload());
        assertEquals(1, nodes("dyn").size(), "a reload keeps dynamic services");
        assertEquals(409, admin("DELETE", "/services/web", null).statusCode());
        assertEquals(200, admin("DELETE", "/services/dyn", null).statusCode());
        awaitNodes("dyn", 0);
        assertEquals(404, admin("GET", "/services/dyn", null).statusCode());
    }

    @Test
    void statusJsonHtmlPageAndMetricsShowServicesChecksAndTransitions() throws Exception {
        writeConfig(service("web", web.port(), 1, 1));
        startNerve();
        awaitNodes("web", 1);
        JsonNode status = JSON.readTree(admin("GET", "/status", null).body());
        assertEquals("box-1", status.get("instance_id").asText());
        JsonNode service = status.get("services").get(0);
        assertEquals("web", service.get("name").asText());
        assertTrue(service.get("up").asBoolean());
        assertTrue(service.get("registered").asBoolean());
        assertTrue(service.get("znode").asText().startsWith("/nerve/services/web/services/box-1_"));
        assertTrue(service.get("zk_connected").asBoolean());
        JsonNode check = service.get("checks").get(0);
        assertEquals("web http-127.0.0.1:" + web.port(), check.get("name").asText());
        assertEquals("http", check.get("type").asText());
        assertTrue(check.get("up").asBoolean());
        assertEquals("HTTP 200", check.get("last_reason").asText());
        assertTrue(check.get("latency_ms").asDouble() > 0);
        assertTrue(check.get("consecutive_passes").asInt() >= 1);

        HttpResponse<String> page = admin("GET", "/", null);
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("http-equiv=\"refresh\""));
        assertTrue(page.body().contains("data-service=\"web\"") && page.body().contains(">UP<"), page.body());
        assertFalse(page.body().contains("src=\"http"), "no external assets");

        String metrics = admin("GET", "/metrics", null).body();
        assertTrue(metrics.contains("nerve_service_registered{service=\"web\"} 1"), metrics);
        assertTrue(
                metrics.contains("nerve_check_latency_seconds_bucket{check=\"web http-127.0.0.1:" + web.port()),
                metrics);
        assertTrue(metrics.contains("nerve_zookeeper_connected{"), metrics);
        double failuresBefore = counter(
                metrics,
                "nerve_check_results_total{check=\"web http-127.0.0.1:" + web.port()
                        + "\",outcome=\"fail\",service=\"web\"}");
        web.setStatus(500);
        awaitNodes("web", 0);
        String after = admin("GET", "/metrics", null).body();
        assertTrue(after.contains("nerve_service_up{service=\"web\"} 0"), after);
        assertTrue(counter(
                        after,
                        "nerve_check_results_total{check=\"web http-127.0.0.1:" + web.port()
                                + "\",outcome=\"fail\",service=\"web\"}")
                > failuresBefore);
        assertTrue(admin("GET", "/", null).body().contains("HTTP 500"));
    }

    private static double counter(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line ->
                        Double.parseDouble(line.substring(series.length() + 1).trim()))
                .findFirst()
                .orElse(0);
    }

    @Test
    void runsWithoutZooKeeperAndRegistersOnceItIsReachable() throws Exception {
        writeConfig(service("web", web.port(), 1, 1));
        zooKeeper.stop();
        startNerve();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> serviceStatus("web").get("up").asBoolean());
        JsonNode status = serviceStatus("web");
        assertFalse(status.get("zk_connected").asBoolean());
        assertFalse(status.get("registered").asBoolean());
        zooKeeper.restart();
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> nodes("web").size() == 1);
        assertTrue(serviceStatus("web").get("registered").asBoolean());
        assertTrue(admin("GET", "/metrics", null)
                .body()
                .contains("nerve_zookeeper_connected{ensemble=\"" + zooKeeper.getConnectString() + "\"} 1"));
    }

    @Test
    void pushesTheSameMetricsToStatsd() throws Exception {
        try (java.net.DatagramSocket statsd =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            statsd.setSoTimeout(200);
            Files.writeString(
                    configFile,
                    "instance_id: box-1\nadmin: {port: 0}\nstatsd: \"127.0.0.1:" + statsd.getLocalPort()
                            + "\"\nservices:\n" + service("web", web.port(), 1, 1));
            startNerve();
            StringBuilder received = new StringBuilder();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                byte[] buffer = new byte[65536];
                java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
                try {
                    statsd.receive(packet);
                    received.append(new String(packet.getData(), 0, packet.getLength()))
                            .append('\n');
                } catch (java.net.SocketTimeoutException e) {
                    // keep waiting
                }
                return received.toString().contains("nerve_check_results")
                        && received.toString().contains("service:web");
            });
        }
    }

    @Test
    void pushesTheOriginalsMetricNamesToStatsdWhenAsked() throws Exception {
        try (java.net.DatagramSocket statsd =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            statsd.setSoTimeout(200);
            Files.writeString(
                    configFile,
                    "instance_id: box-1\nadmin: {port: 0}\nstatsd: {host: 127.0.0.1, port: " + statsd.getLocalPort()
                            + ", metric_names: original}\nservices:\n" + service("web", web.port(), 1, 1));
            startNerve();
            List<String> lines = new java.util.ArrayList<>();
            java.util.function.Predicate<String> upCheck = java.util.regex.Pattern.compile(
                            "^nerve\\.watcher\\.status\\.service_check:1\\|c\\|#check_name:[^,]+,check_result:up,"
                                    + "service_name:web$")
                    .asMatchPredicate();
            // the first line shows the UDP client is connected (lines before that are dropped, as by any
            // statsd client), so the transitions are caused after it
            awaitLines(statsd, lines, () -> lines.stream().anyMatch(upCheck));

            web.setStatus(500);
            awaitLines(
                    statsd,
                    lines,
                    () -> lines.contains("nerve.watcher.status.transition:1|c|#new_status:down,service_name:web")
                            && lines.stream()
                                    .anyMatch(line -> line.startsWith("nerve.watcher.status.service_check:1|c|#")
                                            && line.contains(",check_result:down,service_name:web")));
            web.setStatus(200);
            awaitLines(
                    statsd,
                    lines,
                    () -> lines.lastIndexOf("nerve.watcher.status.transition:1|c|#new_status:up,service_name:web")
                            > lines.indexOf("nerve.watcher.status.transition:1|c|#new_status:down,service_name:web"));

            assertEquals(
                    List.of(),
                    lines.stream()
                            .filter(line -> !line.startsWith("nerve.watcher."))
                            .toList(),
                    "only the original's names are sent");
        }
    }

    /** Receives statsd lines into {@code lines} until {@code done} holds (at most 15 s). */
    private static void awaitLines(
            java.net.DatagramSocket socket, List<String> lines, java.util.concurrent.Callable<Boolean> done) {
        try {
            awaitReceived(socket, lines, done);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("statsd lines received: " + lines, e);
        }
    }

    private static void awaitReceived(
            java.net.DatagramSocket socket, List<String> lines, java.util.concurrent.Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            byte[] buffer = new byte[65536];
            java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                new String(packet.getData(), 0, packet.getLength(), java.nio.charset.StandardCharsets.UTF_8)
                        .lines()
                        .forEach(lines::add);
            } catch (java.net.SocketTimeoutException e) {
                // keep waiting
            }
            return done.call();
        });
    }

    @Test
    void rateLimitingHoldsReportsOverTheLimitUnlessInShadowMode() throws Exception {
        Path heartbeat = directory.resolve("heartbeat");
        String limited = service("web", web.port(), 1, 1)
                + "    rate_limiting: {shadow_mode: false, average_rate: 0.5, max_burst: 1}\n";
        Files.writeString(
                configFile,
                "instance_id: box-1\nadmin: {port: 0}\nheartbeat_path: " + heartbeat + "\nservices:\n" + limited);
        long started = System.nanoTime();
        startNerve();
        awaitNodes("web", 1);
        long registeredAfterMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(registeredAfterMillis >= 1500, "the bucket starts half full: " + registeredAfterMillis + "ms");
        web.setStatus(500);
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !serviceStatus("web").get("up").asBoolean());
        assertEquals(1, nodes("web").size(), "the deregistration waits for a token");
        assertTrue(admin("GET", "/metrics", null).body().contains("nerve_reports_throttled_total{service=\"web\"}"));
        awaitNodes("web", 0);
        assertTrue(Files.exists(heartbeat), "heartbeat_path is touched");
        java.nio.file.attribute.FileTime first = Files.getLastModifiedTime(heartbeat);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Files.getLastModifiedTime(heartbeat).compareTo(first) > 0);
    }

    @Test
    void closeIsLegalBeforeStartAndIdempotentAndStartingTwiceFails() throws Exception {
        writeConfig(service("web", web.port(), 1, 1));
        Nerve unstarted = new Nerve(
                NerveConfigReader.load(configFile, Optional.empty()), Optional.of(configFile), Optional.empty());
        unstarted.close();
        unstarted.close();
        startNerve();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, nerve::start);
        awaitNodes("web", 1);
        nerve.close();
        nerve.close();
        assertEquals(List.of(), nodes("web"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, nerve::start);
    }

    @Test
    void everyCheckRunsEveryCycleAndCheckMockedAlwaysRegisters() throws Exception {
        String twoChecks =
                service("web", web.port(), 1, 1) + "      - {type: tcp, port: " + other.port() + ", timeout: 1}\n";
        String mocked = service("mocked", web.port(), 1, 1) + "    check_mocked: true\n";
        writeConfig(twoChecks, mocked);
        web.setStatus(503);
        startNerve();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> serviceStatus("web")
                                .get("checks")
                                .get(1)
                                .get("consecutive_passes")
                                .asInt()
                        >= 3);
        JsonNode checks = serviceStatus("web").get("checks");
        assertFalse(checks.get(0).get("up").asBoolean());
        assertTrue(checks.get(0).get("consecutive_failures").asInt() >= 2, checks.toString());
        assertTrue(checks.get(1).get("up").asBoolean(), "the second check ran although the first failed");
        assertEquals(List.of(), nodes("web"));
        awaitNodes("mocked", 1);
        HttpResponse<String> notJson = admin("PUT", "/services/x", "{not json");
        assertEquals(400, notJson.statusCode(), notJson.body());
    }
}
