package io.smartstack.nerve.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.nerve.Nerve;
import io.smartstack.nerve.config.NerveConfigReader;
import io.smartstack.testing.HeadlessChromium;
import io.smartstack.testing.HealthEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page as a person sees it: rendered by headless Chromium (Debian's package), not parsed by us. */
class StatusPageBrowserTest {

    @Test
    void showsServicesChecksAndAFailingHealthCheckInABrowser(@TempDir Path directory) throws Exception {
        try (TestingServer zooKeeper = new TestingServer(true);
                HealthEndpoint endpoint = HealthEndpoint.start()) {
            Path config = directory.resolve("nerve.yaml");
            Files.writeString(
                    config,
                    """
                    instance_id: browser-box
                    admin: {port: 0}
                    services:
                      checkout:
                        host: 127.0.0.1
                        port: %d
                        zk_hosts: ["%s"]
                        zk_path: /nerve/services/checkout/services
                        check_interval: 200ms
                        checks: [{type: http, uri: /health, timeout: 1}]
                    """
                            .formatted(endpoint.port(), zooKeeper.getConnectString()));
            try (Nerve nerve = new Nerve(
                    NerveConfigReader.load(config, Optional.empty()), Optional.of(config), Optional.empty())) {
                nerve.start();
                String url = "http://127.0.0.1:" + nerve.adminPort() + "/";
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> nerve.status().get(0).registered());
                String healthy = HeadlessChromium.render(url, directory);
                assertTrue(healthy.contains("browser-box"), healthy);
                assertTrue(
                        healthy.matches("(?s).*<tr class=\"service up\" data-service=\"checkout\">.*>UP<.*"), healthy);
                assertTrue(healthy.contains("/nerve/services/checkout/services/browser-box_"), healthy);
                assertTrue(healthy.contains("HTTP 200"), healthy);

                endpoint.setStatus(500);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !nerve.status().get(0).registered());
                String failing = HeadlessChromium.render(url, directory);
                assertTrue(
                        failing.matches("(?s).*<tr class=\"service down\" data-service=\"checkout\">.*>DOWN<.*"),
                        failing);
                assertTrue(failing.contains("HTTP 500"), failing);
            }
        }
    }
}
