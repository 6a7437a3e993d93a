package io.smartstack.common.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZooKeeperClientFactoryTest {
    private TestingServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new TestingServer(true);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private CuratorFramework started(ZooKeeperSettings settings) throws InterruptedException {
        CuratorFramework client = ZooKeeperClientFactory.create(settings);
        client.start();
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return client;
    }

    @Test
    void digestProtectedPathIsReadableByAnyoneButWritableOnlyByItsWriter() throws Exception {
        ZooKeeperSettings settings = ZooKeeperSettings.of(server.getConnectString());
        try (CuratorFramework writer = started(settings.withDigest("nerve:s3cret"));
                CuratorFramework stranger = started(settings);
                CuratorFramework impostor = started(settings.withDigest("nerve:wrong"))) {
            writer.create()
                    .creatingParentsIfNeeded()
                    .forPath("/services/web/i-1_", "data".getBytes(StandardCharsets.UTF_8));

            assertThat(new String(stranger.getData().forPath("/services/web/i-1_"), StandardCharsets.UTF_8))
                    .isEqualTo("data");
            assertThrows(KeeperException.NoAuthException.class, () -> stranger.setData()
                    .forPath("/services/web/i-1_", "evil".getBytes(StandardCharsets.UTF_8)));
            assertThrows(KeeperException.NoAuthException.class, () -> impostor.create()
                    .forPath("/services/web/x"));
            assertThrows(KeeperException.NoAuthException.class, () -> impostor.delete()
                    .forPath("/services/web/i-1_"));

            writer.setData().forPath("/services/web/i-1_", "new".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(stranger.getData().forPath("/services/web/i-1_"), StandardCharsets.UTF_8))
                    .isEqualTo("new");
        }
    }

    @Test
    void connectStringSortsHostsSoTheSameEnsembleSharesAClient() {
        assertThat(ZooKeeperSettings.of(java.util.List.of("zk2:2181", "zk1:2181"))
                        .connectString())
                .isEqualTo("zk1:2181,zk2:2181");
    }

    @Test
    void sessionTimeoutIsAskedOfTheServer() throws Exception {
        try (CuratorFramework client =
                started(ZooKeeperSettings.of(server.getConnectString()).withSessionTimeout(Duration.ofSeconds(8)))) {
            assertThat(client.getZookeeperClient().getZooKeeper().getSessionTimeout())
                    .isEqualTo(8000);
        }
    }
}
