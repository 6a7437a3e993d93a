package io.smartstack.nerve.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.CheckSpec;
import io.smartstack.nerve.config.TlsSettings;
import io.smartstack.testing.HealthEndpoint;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpCheckTest {
    private final HttpClients clients = new HttpClients();
    private final HealthChecks checks = new HealthChecks(clients);
    private final HealthEndpoint endpoint = HealthEndpoint.start();

    @AfterEach
    void stop() {
        endpoint.close();
        clients.close();
    }

    private CheckOutcome run(int port, CheckSpec.Http spec) throws Exception {
        CheckConfig config = new CheckConfig("http", "web http", "127.0.0.1", port, Duration.ofMillis(500), 1, 1, spec);
        try (HealthCheck check = checks.create(config)) {
            return check.run();
        }
    }

    private static CheckSpec.Http spec(String uri, Optional<String> expect, boolean ssl, boolean verify) {
        return new CheckSpec.Http(
                uri,
                "GET",
                Map.of("X-Probe", "nerve"),
                expect,
                ssl ? new TlsSettings(true, verify, Optional.empty(), false) : TlsSettings.OFF,
                Duration.ofMillis(500),
                Duration.ofMillis(500));
    }

    @Test
    void statusFrom200To399IsUpWithoutFollowingRedirects() throws Exception {
        assertTrue(run(endpoint.port(), spec("/health", Optional.empty(), false, true))
                .passed());
        endpoint.setStatus(302);
        assertTrue(run(endpoint.port(), spec("/health", Optional.empty(), false, true))
                .passed());
        endpoint.setStatus(503);
        CheckOutcome down = run(endpoint.port(), spec("/health", Optional.empty(), false, true));
        assertFalse(down.passed());
        assertTrue(down.reason().contains("HTTP 503"), down.reason());
        assertFalse(run(endpoint.port(), spec("/missing", Optional.empty(), false, true))
                .passed());
    }

    @Test
    void expectRequiresTheBodyToContainTheText() throws Exception {
        endpoint.setBody("status: serving");
        assertTrue(run(endpoint.port(), spec("/health", Optional.of("serving"), false, true))
                .passed());
        CheckOutcome outcome = run(endpoint.port(), spec("/health", Optional.of("ready"), false, true));
        assertFalse(outcome.passed());
        assertTrue(outcome.reason().contains("does not contain 'ready'"), outcome.reason());
    }

    @Test
    void aRefusedConnectionFailsWithAReason() throws Exception {
        int port = endpoint.port();
        endpoint.close();
        CheckOutcome outcome;
        try {
            outcome = run(port, spec("/health", Optional.empty(), false, true));
        } catch (Exception e) {
            outcome = CheckOutcome.failure(e);
        }
        assertFalse(outcome.passed());
    }

    @Test
    void selfSignedCertificateIsRefusedByDefaultAndAcceptedWithSslVerifyFalse(@TempDir Path directory)
            throws Exception {
        HttpsServer server = selfSignedServer(directory);
        try {
            int port = server.getAddress().getPort();
            CheckOutcome refused = run(port, spec("/health", Optional.empty(), true, true));
            assertFalse(refused.passed());
            assertTrue(refused.reason().contains("not signed by a trusted CA"), refused.reason());
            assertTrue(run(port, spec("/health", Optional.empty(), true, false)).passed());
        } finally {
            server.stop(0);
        }
    }

    /** An HTTPS server with a certificate generated here by keytool (not trusted by the JVM). */
    private static HttpsServer selfSignedServer(Path directory) throws Exception {
        Path keystore = directory.resolve("server.p12");
        Process keytool = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit"))
                .redirectErrorStream(true)
                .start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertTrue(Files.exists(keystore), new String(keytool.getInputStream().readAllBytes()));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("OK".getBytes());
            }
        });
        server.start();
        return server;
    }
}
