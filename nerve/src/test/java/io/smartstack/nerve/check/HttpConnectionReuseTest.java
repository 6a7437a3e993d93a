package io.smartstack.nerve.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.CheckSpec;
import io.smartstack.nerve.config.TlsSettings;
import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP checks against Python's http.server, which closes connections on its own schedule: after every
 * response (HTTP/1.0, {@code python3 -m http.server}), after a short keep-alive timeout (HTTP/1.1), or
 * with {@code Connection: close}. A healthy server must never fail a check; each test first shows, with
 * a plain pooled client, that the server really closes connections a pool would reuse.
 */
class HttpConnectionReuseTest {
    private static final int CHECKS = 200;
    private static final String SERVER =
            """
            import http.server, sys
            keep_alive, close = float(sys.argv[2]), sys.argv[3] == "close"
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                timeout = keep_alive
                def do_GET(self):
                    body = b"serving\\n"
                    self.send_response(200 if self.path == "/health" else 503)
                    self.send_header("Content-Length", str(len(body)))
                    if close:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
            """;

    private final HttpClients clients = new HttpClients();
    private final List<ExternalProcess> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ExternalProcess::close);
        clients.close();
    }

    @Test
    void http10ServerClosingAfterEachResponseNeverFailsACheck(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("health"), "serving\n");
        int port = FreePorts.next();
        start(
                "http.server",
                directory,
                List.of(
                        "python3",
                        "-m",
                        "http.server",
                        "--bind",
                        "127.0.0.1",
                        "--directory",
                        directory.toString(),
                        Integer.toString(port)),
                port);
        assertTrue(plainPooledClientFails(port, Duration.ZERO), "the server closes after each response");

        assertEquals(List.of(), failures(port, index -> Duration.ZERO));
    }

    @Test
    void http11ServerWithAKeepAliveShorterThanTheIntervalNeverFailsACheck(@TempDir Path directory) throws Exception {
        // 50 ms keep-alive; checks from 0 to 100 ms apart, so some reuse a live connection, some one the
        // server closed, some one it is closing that very moment.
        int port = startScript(directory, "0.05", "keep");
        assertTrue(plainPooledClientFails(port, Duration.ofMillis(100)), "the server closes idle connections");

        assertEquals(List.of(), failures(port, index -> Duration.ofMillis(index % 11 * 10)));
    }

    @Test
    void http11ServerWithA1sKeepAliveCheckedEvery2sNeverFailsACheck(@TempDir Path directory) throws Exception {
        // the timing as users meet it; every check after the first finds its pooled connection closed
        int port = startScript(directory, "1", "keep");
        assertTrue(plainPooledClientFails(port, Duration.ofSeconds(2)), "the server closes idle connections");

        assertEquals(List.of(), failures(port, 5, index -> Duration.ofSeconds(2)));
    }

    @Test
    void serverAnsweringConnectionCloseNeverFailsACheck(@TempDir Path directory) throws Exception {
        int port = startScript(directory, "5", "close");

        assertEquals(List.of(), failures(port, index -> Duration.ZERO));
    }

    @Test
    void aRealFailureOnAPooledConnectionStillFailsAtOnce(@TempDir Path directory) throws Exception {
        int port = startScript(directory, "5", "keep");
        try (CheckRunner health = runner(port, "/health");
                CheckRunner broken = runner(port, "/broken")) {
            assertTrue(health.runOnce().passed());
            CheckResult result = broken.runOnce();
            assertFalse(result.passed());
            assertTrue(result.reason().contains("HTTP 503"), result.reason());
            servers.forEach(ExternalProcess::close);
            CheckResult refused = health.runOnce();
            assertFalse(refused.passed(), "a stopped server fails the first check: " + refused.reason());
        }
    }

    /** Runs {@link #CHECKS} checks {@code gap} apart and returns the reasons of those that failed. */
    private List<String> failures(int port, java.util.function.IntFunction<Duration> gap) throws Exception {
        return failures(port, CHECKS, gap);
    }

    private List<String> failures(int port, int checks, java.util.function.IntFunction<Duration> gap) throws Exception {
        List<String> failures = new ArrayList<>();
        try (CheckRunner runner = runner(port, "/health")) {
            for (int i = 0; i < checks; i++) {
                CheckResult result = runner.runOnce();
                if (!result.passed()) {
                    failures.add("check " + i + ": " + result.reason());
                }
                Thread.sleep(gap.apply(i).toMillis());
            }
        }
        return failures;
    }

    private CheckRunner runner(int port, String uri) {
        CheckSpec.Http spec = new CheckSpec.Http(
                uri,
                "GET",
                Map.of(),
                Optional.of("serving"),
                TlsSettings.OFF,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        CheckConfig config = new CheckConfig("http", "web http", "127.0.0.1", port, Duration.ofSeconds(1), 1, 1, spec);
        return new CheckRunner(config, new HealthChecks(clients).create(config), Clock.systemUTC());
    }

    /** True when a pooled client without retries sees a connection closed under it within 20 requests. */
    private static boolean plainPooledClientFails(int port, Duration gap) throws InterruptedException {
        OkHttpClient plain = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(5, 1, TimeUnit.MINUTES))
                .retryOnConnectionFailure(false)
                .build();
        try {
            for (int i = 0; i < 20; i++) {
                try (Response response = plain.newCall(new Request.Builder()
                                .url("http://127.0.0.1:" + port + "/health")
                                .build())
                        .execute()) {
                    response.body().string();
                } catch (IOException e) {
                    return true;
                }
                Thread.sleep(gap.toMillis());
            }
            return false;
        } finally {
            plain.connectionPool().evictAll();
        }
    }

    private int startScript(Path directory, String keepAliveSeconds, String mode) throws IOException {
        Path script = directory.resolve("server.py");
        Files.writeString(script, SERVER);
        int port = FreePorts.next();
        start(
                "python-http",
                directory,
                List.of("python3", script.toString(), Integer.toString(port), keepAliveSeconds, mode),
                port);
        return port;
    }

    private void start(String name, Path directory, List<String> command, int port) {
        ExternalProcess server = ExternalProcess.start(name, command, directory.resolve("logs"));
        servers.add(server);
        server.awaitPort(port, Duration.ofSeconds(20));
    }
}
