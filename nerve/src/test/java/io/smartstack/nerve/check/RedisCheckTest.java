package io.smartstack.nerve.check;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.CheckSpec;
import io.smartstack.nerve.config.TlsSettings;
import io.smartstack.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisCheckTest {
    private final HealthChecks checks = new HealthChecks(new HttpClients());

    private CheckOutcome run(int port, CheckSpec.Redis spec) throws Exception {
        CheckConfig config = new CheckConfig("redis", "redis", "127.0.0.1", port, Duration.ofSeconds(1), 1, 1, spec);
        try (HealthCheck check = checks.create(config)) {
            return check.run();
        } catch (Exception e) {
            return CheckOutcome.failure(e);
        }
    }

    private static CheckSpec.Redis spec(Optional<String> password, boolean requireMaster) {
        return new CheckSpec.Redis(Optional.empty(), password, 0, TlsSettings.OFF, requireMaster);
    }

    @Test
    void requireMasterRegistersOnlyTheMasterOfAPair(@TempDir Path directory) throws Exception {
        try (RedisServer master = RedisServer.start(Files.createDirectory(directory.resolve("master")));
                RedisServer replica =
                        RedisServer.startReplicaOf(master, Files.createDirectory(directory.resolve("replica")))) {
            assertTrue(run(master.port(), spec(Optional.empty(), true)).passed());
            assertTrue(run(replica.port(), spec(Optional.empty(), false)).passed(), "a replica answers PING");
            CheckOutcome replicaOutcome = run(replica.port(), spec(Optional.empty(), true));
            assertFalse(replicaOutcome.passed());
            assertTrue(replicaOutcome.reason().contains("role is slave"), replicaOutcome.reason());
            master.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> !run(master.port(), spec(Optional.empty(), true))
                    .passed());
        }
    }

    @Test
    void authenticatesWithAPassword(@TempDir Path directory) throws Exception {
        try (RedisServer server = RedisServer.start(directory, List.of("--requirepass", "s3cret"))) {
            assertTrue(run(server.port(), spec(Optional.of("s3cret"), false)).passed());
            CheckOutcome noPassword = run(server.port(), spec(Optional.empty(), false));
            assertFalse(noPassword.passed());
            assertTrue(noPassword.reason().contains("NOAUTH"), noPassword.reason());
        }
    }
}
