package io.smartstack.nerve.check;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.CheckSpec;
import io.smartstack.nerve.config.TlsSettings;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.RabbitMqServer;
import io.smartstack.testing.RedisServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP, Redis and RabbitMQ checks against real TLS servers (the JDK's HTTPS server, redis-server with
 * {@code --tls-port}, RabbitMQ with a TLS listener) whose certificate a test CA signed for IP 127.0.0.1
 * only: trusted through {@code ssl_ca_file} every check passes; a host the certificate does not name, or
 * no CA file, fails with a reason that says what failed.
 */
class TlsCheckTest {
    private static final int CHECKS = 200;

    @TempDir
    Path directory;

    private final HttpClients clients = new HttpClients();
    private TestCertificates certificates;

    @BeforeEach
    void certificates() throws Exception {
        certificates = TestCertificates.create(directory.resolve("tls"));
    }

    @AfterEach
    void stop() {
        clients.close();
    }

    @Test
    void httpsServerWithACertificateFromTheConfiguredCaPassesEveryCheck() throws Exception {
        HttpsServer server = httpsServer();
        try {
            int port = server.getAddress().getPort();
            assertEquals(List.of(), failures(http("127.0.0.1", port, trusting())));

            CheckOutcome otherName = once(http("localhost", port, trusting()));
            assertFalse(otherName.passed());
            assertTrue(otherName.reason().contains("does not name the host checked"), otherName.reason());
            assertFalse(otherName.reason().contains("ssl_verify: false"), "ssl_verify was written");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anOriginalSslCheckThatFailsVerificationSaysHowToRestoreTheOriginalBehaviour() throws Exception {
        HttpsServer server = httpsServer();
        try {
            int port = server.getAddress().getPort();
            TlsSettings original = new TlsSettings(true, true, Optional.empty(), true);
            CheckOutcome outcome = once(http("127.0.0.1", port, original));
            assertFalse(outcome.passed());
            assertTrue(outcome.reason().contains("not signed by a trusted CA"), outcome.reason());
            assertTrue(outcome.reason().contains("ssl_verify: false restores that"), outcome.reason());
            assertTrue(once(http("127.0.0.1", port, TlsSettings.trustingAnything()))
                    .passed());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void redisOverTlsPassesEveryCheckAndRefusesAnUnnamedHost() throws Exception {
        int tlsPort = FreePorts.next();
        try (RedisServer server = RedisServer.start(
                Files.createDirectories(directory.resolve("redis")),
                List.of(
                        "--tls-port", Integer.toString(tlsPort),
                        "--tls-cert-file", certificates.certificate().toString(),
                        "--tls-key-file", certificates.key().toString(),
                        "--tls-ca-cert-file", certificates.ca().toString(),
                        "--tls-auth-clients", "no"))) {
            server.process().awaitPort(tlsPort, Duration.ofSeconds(10));
            assertEquals(List.of(), failures(redis("127.0.0.1", tlsPort, trusting())));

            CheckOutcome otherName = once(redis("localhost", tlsPort, trusting()));
            assertFalse(otherName.passed());
            assertTrue(otherName.reason().contains("does not name the host checked"), otherName.reason());
            CheckOutcome plainOnTls = once(redis("127.0.0.1", tlsPort, TlsSettings.OFF));
            assertFalse(plainOnTls.passed(), "a plain-text check of the TLS port fails");
        }
    }

    @Test
    void rabbitMqOverTlsPassesEveryCheck() throws Exception {
        int tlsPort = FreePorts.next();
        try (RabbitMqServer broker = RabbitMqServer.start(
                directory.resolve("rabbitmq"),
                List.of(
                        "listeners.ssl.default = 127.0.0.1:" + tlsPort,
                        "ssl_options.cacertfile = " + certificates.ca(),
                        "ssl_options.certfile = " + certificates.certificate(),
                        "ssl_options.keyfile = " + certificates.key(),
                        "ssl_options.verify = verify_none",
                        "ssl_options.fail_if_no_peer_cert = false"))) {
            CheckConfig config = rabbitMq("127.0.0.1", tlsPort, trusting());
            // the broker accepts connections slightly before it is fully booted
            await().atMost(Duration.ofSeconds(30)).until(() -> once(config).passed());
            assertEquals(List.of(), failures(config));

            CheckOutcome untrusted =
                    once(rabbitMq("127.0.0.1", tlsPort, new TlsSettings(true, true, Optional.empty(), true)));
            assertFalse(untrusted.passed());
            assertTrue(untrusted.reason().contains("not signed by a trusted CA"), untrusted.reason());
            assertTrue(untrusted.reason().contains("ssl_verify: false"), untrusted.reason());
        }
    }

    private TlsSettings trusting() {
        return new TlsSettings(true, true, Optional.of(certificates.ca()), false);
    }

    private List<String> failures(CheckConfig config) {
        List<String> failures = new ArrayList<>();
        try (CheckRunner runner =
                new CheckRunner(config, new HealthChecks(clients).create(config), Clock.systemUTC())) {
            for (int i = 0; i < CHECKS; i++) {
                CheckResult result = runner.runOnce();
                if (!result.passed()) {
                    failures.add("check " + i + ": " + result.reason());
                }
            }
        }
        return failures;
    }

    private CheckOutcome once(CheckConfig config) {
        try (CheckRunner runner =
                new CheckRunner(config, new HealthChecks(clients).create(config), Clock.systemUTC())) {
            CheckResult result = runner.runOnce();
            return new CheckOutcome(result.passed(), result.reason());
        }
    }

    private static CheckConfig http(String host, int port, TlsSettings tls) {
        CheckSpec.Http spec = new CheckSpec.Http(
                "/health", "GET", Map.of(), Optional.of("serving"), tls, Duration.ofSeconds(2), Duration.ofSeconds(2));
        return new CheckConfig("http", "web https", host, port, Duration.ofSeconds(2), 1, 1, spec);
    }

    private static CheckConfig redis(String host, int port, TlsSettings tls) {
        CheckSpec.Redis spec = new CheckSpec.Redis(Optional.empty(), Optional.empty(), 0, tls, false);
        return new CheckConfig("redis", "cache redis", host, port, Duration.ofSeconds(2), 1, 1, spec);
    }

    private static CheckConfig rabbitMq(String host, int port, TlsSettings tls) {
        CheckSpec.RabbitMq spec = new CheckSpec.RabbitMq("guest", "guest", "/", "nerve", tls);
        return new CheckConfig("rabbitmq", "queue rabbitmq", host, port, Duration.ofSeconds(3), 1, 1, spec);
    }

    private HttpsServer httpsServer() throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        server.createContext("/health", exchange -> {
            byte[] body = "serving".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }
}
