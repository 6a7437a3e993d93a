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
        try (ExternalProcess zookeeper = start(port, data).awaitPort(port, Duration.ofSeconds(30))) {
            assertThat(zookeeper.logText()).contains("listening on 127.0.0.1:" + port);
            try (CuratorFramework client = ZooKeeperClientFactory.create(ZooKeeperSettings.of("127.0.0.1:" + port))) {
                client.start();
                assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
                client.create()
                        .creatingParentsIfNeeded()
                        .forPath("/demo/hello", "world".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(client.getData().forPath("/demo/hello"), StandardCharsets.UTF_8))
                        .isEqualTo("world");
            }
            assertThat(zookeeper.terminate(Duration.ofSeconds(20))).isIn(0, 143);
        }
        assertThat(Files.list(data).toList()).isNotEmpty();

        try (ExternalProcess again = start(port, data).awaitPort(port, Duration.ofSeconds(30));
                CuratorFramework client = ZooKeeperClientFactory.create(ZooKeeperSettings.of("127.0.0.1:" + port))) {
            client.start();
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(client.getData().forPath("/demo/hello"), StandardCharsets.UTF_8))
                    .isEqualTo("world");
        }
    }
}
