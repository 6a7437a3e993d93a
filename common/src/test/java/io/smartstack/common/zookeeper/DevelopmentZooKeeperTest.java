package io.smartstack.common.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the development ZooKeeper as its own process, as {@code bin/zookeeper-dev} does. */
class DevelopmentZooKeeperTest {
    /** Printed only once the server serves clients. */
    private static final String READY = "listening on 127.0.0.1:";

    @TempDir
    Path temp;

    private ExternalProcess start(int port, Path data) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return ExternalProcess.start(
                "zookeeper-dev",
                List.of(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        DevelopmentZooKeeper.class.getName(),
                        "--port",
                        Integer.toString(port),
                        "--data",
                        data.toString()),
                temp.resolve("logs"));
    }

    @Test
    void servesACuratorClientThatCreatesAndReadsAZnodeAndKeepsDataAcrossRestarts() throws Exception {
        int port = FreePorts.next();
        Path data = temp.resolve("data");
        try (ExternalProcess zookeeper = start(port, data).awaitLogLine(READY + port, Duration.ofSeconds(60))) {
            try (CuratorFramework client = ZooKeeperClientFactory.create(ZooKeeperSettings.of("127.0.0.1:" + port))) {
                client.start();
                assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS))
                        .as(() -> "connected once it said it listens; " + zookeeper.describe(40))
                        .isTrue();
                client.create()
                        .creatingParentsIfNeeded()
                        .forPath("/demo/hello", "world".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(client.getData().forPath("/demo/hello"), StandardCharsets.UTF_8))
                        .isEqualTo("world");
            }
            assertThat(zookeeper.terminate(Duration.ofSeconds(20))).isIn(0, 143);
        }
        assertThat(Files.list(data).toList()).isNotEmpty();

        try (ExternalProcess again = start(port, data).awaitLogLine(READY + port, Duration.ofSeconds(60));
                CuratorFramework client = ZooKeeperClientFactory.create(ZooKeeperSettings.of("127.0.0.1:" + port))) {
            client.start();
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS))
                    .as(() -> "connected after a restart; " + again.describe(40))
                    .isTrue();
            assertThat(new String(client.getData().forPath("/demo/hello"), StandardCharsets.UTF_8))
                    .isEqualTo("world");
        }
    }
}
