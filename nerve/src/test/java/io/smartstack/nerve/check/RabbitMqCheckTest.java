package io.smartstack.nerve.check;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.CheckSpec;
import io.smartstack.nerve.config.TlsSettings;
import io.smartstack.testing.RabbitMqServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RabbitMqCheckTest {
    @Test
    void aStoppedBrokerTurnsTheCheckDownOnTheNextRun(@TempDir Path directory) {
        try (RabbitMqServer broker = RabbitMqServer.start(directory)) {
            CheckConfig config = new CheckConfig(
                    "rabbitmq",
                    "queue",
                    "127.0.0.1",
                    broker.port(),
                    Duration.ofSeconds(2),
                    1,
                    1,
                    new CheckSpec.RabbitMq("guest", "guest", "/", "nerve", TlsSettings.OFF));
            try (CheckRunner runner =
                    new CheckRunner(config, new HealthChecks(new HttpClients()).create(config), Clock.systemUTC())) {
                // the broker accepts connections slightly before it is fully booted
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> runner.runOnce().passed());
                assertTrue(runner.riseFall().isUp());
                broker.stopBroker();
                CheckResult next = runner.runOnce();
                assertFalse(next.passed(), "the first run after the stop fails: " + next.reason());
                assertFalse(runner.riseFall().isUp());
                assertTrue(next.latency().compareTo(Duration.ofSeconds(3)) < 0, "failed fast: " + next.latency());
            }
        }
    }
}
