package io.smartstack.nerve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.nerve.config.NerveConfigReader;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.HealthEndpoint;
import io.smartstack.testing.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real session expiry: Nerve reaches ZooKeeper through a proxy that is cut for longer than the session
 * timeout while the server keeps running, so the server expires the session and deletes the node. When the
 * network is back the node must be re-created within one check interval of the new session connecting.
 */
class NerveSessionExpiryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofMillis(200);

    @Test
    void nodeIsReCreatedWithinOneIntervalAfterTheNewSessionConnects(@TempDir Path directory) throws Exception {
        InstanceSpec spec =
                new InstanceSpec(directory.resolve("zk").toFile(), FreePorts.next(), -1, -1, true, -1, 200, -1);
        try (TestingServer zooKeeper = new TestingServer(spec, true);
                TcpProxy proxy = TcpProxy.start("127.0.0.1", zooKeeper.getPort());
                HealthEndpoint endpoint = HealthEndpoint.start();
                CuratorFramework observer =
                        CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(), new RetryOneTime(100))) {
            observer.start();
            observer.blockUntilConnected(10, TimeUnit.SECONDS);
            Path config = directory.resolve("nerve.yaml");
            Files.writeString(
                    config,
                    """
                    instance_id: box-1
                    admin: {port: 0}
                    services:
                      web:
                        host: 127.0.0.1
                        port: %d
                        zk_hosts: ["%s"]
                        zk_path: /nerve/services/web/services
                        zk_session_timeout: 2s
                        check_interval: 200ms
                        checks: [{type: http, uri: /health, timeout: 1}]
                    """
                            .formatted(endpoint.port(), proxy.connectString()));
            try (Nerve nerve = new Nerve(
                    NerveConfigReader.load(config, Optional.empty()), Optional.of(config), Optional.empty())) {
                nerve.start();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> nodes(observer).size() == 1);
                String before = nodes(observer).get(0);

                proxy.block();
                // the server expires the session it can no longer hear from, deleting its ephemeral node
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> nodes(observer).isEmpty());
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> !status(nerve).get("zk_connected").asBoolean());
                proxy.unblock();

                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> status(nerve).get("zk_connected").asBoolean());
                long connected = System.nanoTime();
                await().atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> nodes(observer).size() == 1);
                long tookMillis = (System.nanoTime() - connected) / 1_000_000;
                assertTrue(
                        tookMillis <= INTERVAL.toMillis() + 500,
                        "re-registered " + tookMillis + "ms after the new session connected");
                assertTrue(!nodes(observer).get(0).equals(before), "a new node of the new session");
            }
        }
    }

    private static List<String> nodes(CuratorFramework observer) throws Exception {
        try {
            return observer.getChildren().forPath("/nerve/services/web/services");
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private static JsonNode status(Nerve nerve) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nerve.adminPort() + "/services/web"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
