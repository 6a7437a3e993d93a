package io.smartstack.common.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.Version;
import org.junit.jupiter.api.Test;

class ServerVersionsTest {
    @Test
    void srvrAnswersOfReleasedServersGiveTheirVersion() {
        String answer34 =
                "Zookeeper version: 3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf, built on 03/06/2019 16:18 GMT\n"
                        + "Latency min/avg/max: 0/0/0\nReceived: 1\nSent: 0\nConnections: 1\nOutstanding: 0\n"
                        + "Zxid: 0x0\nMode: standalone\nNode count: 4\n";
        ServerVersion v34 = ServerVersion.fromSrvr(answer34).orElseThrow();
        assertThat(v34).hasToString("3.4.14");
        assertThat(v34.hasCreate2()).isFalse();
        assertThat(v34.hasPersistentWatches()).isFalse();

        ServerVersion v35 = ServerVersion.fromSrvr(
                        "Zookeeper version: 3.5.10-c7d5f4b7ac1ce2d3bd72eed6f4ca5d0bab2b0ee1, built on 06/01/2022 GMT\nMode: standalone\n")
                .orElseThrow();
        assertThat(v35.hasCreate2()).isTrue();
        assertThat(v35.hasPersistentWatches()).isFalse();
        assertThat(ServerVersion.fromSrvr("Zookeeper version: 3.10.0, built on x")
                        .orElseThrow()
                        .hasPersistentWatches())
                .isTrue();
        assertThat(v34).isLessThan(v35);

        assertThat(ServerVersion.fromSrvr("srvr is not executed because it is not in the whitelist.\n"))
                .isEmpty();
    }

    @Test
    void lowerBoundsSayWhatIsKnown() {
        assertThat(ServerVersion.BEFORE_3_5).hasToString("3.4");
        assertThat(ServerVersion.BEFORE_3_5.hasCreate2()).isFalse();
        assertThat(ServerVersion.AT_LEAST_3_5).hasToString("3.5 or newer");
        assertThat(ServerVersion.AT_LEAST_3_5.hasCreate2()).isTrue();
        assertThat(ServerVersion.AT_LEAST_3_5.hasPersistentWatches()).isFalse();
    }

    @Test
    void aRunningServerIsAskedOnceConnected() throws Exception {
        try (TestingServer server = new TestingServer(true);
                CuratorFramework client =
                        ZooKeeperClientFactory.create(ZooKeeperSettings.of(server.getConnectString()))) {
            client.start();
            ServerVersion version = ServerVersions.of(client).get(20, TimeUnit.SECONDS);
            assertThat(version.exact()).isTrue();
            assertThat(version.toString()).isEqualTo(Version.getFullVersion().replaceAll("[^0-9.].*$", ""));
            assertThat(version.hasPersistentWatches()).isTrue();
            assertThat(ServerVersions.of(client)).as("one probe per client").isSameAs(ServerVersions.of(client));
        }
    }

    @Test
    void aClientClosedBeforeItConnectsCancelsTheProbe() throws Exception {
        int unused;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            unused = socket.getLocalPort();
        }
        CuratorFramework client = ZooKeeperClientFactory.create(ZooKeeperSettings.of("127.0.0.1:" + unused));
        client.start();
        var version = ServerVersions.of(client);
        client.close();
        try {
            version.get(10, TimeUnit.SECONDS);
        } catch (CancellationException expected) {
            // what the watchers waiting on it see
        }
        assertThat(version.isCancelled()).isTrue();
    }
}
