package io.smartstack.nerve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.nerve.config.NerveConfigReader;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.HealthEndpoint;
import io.smartstack.testing.ZooKeeperObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.curator.test.TestingZooKeeperServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nerve owns exactly the znodes it created: after an ensemble outage longer than the session timeout the
 * previous session's node (which the restored ensemble keeps until that session expires) is removed, so
 * maintenance deregisters within one check interval; a node deleted by another client comes back within
 * one check interval.
 */
class RegistrationIntegrityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** One check interval, plus what a loaded test machine adds to a ZooKeeper round trip. */
    private static final Duration ONE_INTERVAL = INTERVAL.plusMillis(400);

    private static final String PATH = "/nerve/services/web/services";

    @Test
    void afterAnEnsembleOutageLongerThanTheSessionMaintenanceDeregistersWithinOneInterval(@TempDir Path directory)
            throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            specs.add(new InstanceSpec(
                    Files.createDirectory(directory.resolve("zk" + i)).toFile(),
                    FreePorts.next(),
                    FreePorts.next(),
                    FreePorts.next(),
                    true,
                    i,
                    250,
                    -1));
        }
        try (TestingCluster cluster = new TestingCluster(specs);
                HealthEndpoint endpoint = HealthEndpoint.start()) {
            cluster.start();
            Path config = config(directory, endpoint, cluster.getConnectString(), "4s");
            try (Nerve nerve = new Nerve(
                    NerveConfigReader.load(config, Optional.empty()), Optional.of(config), Optional.empty())) {
                nerve.start();
                String before;
                try (CuratorFramework observer = ZooKeeperObserver.connected(cluster.getConnectString())) {
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> nodes(observer).size() == 1);
                    before = nodes(observer).get(0);
                }
                for (TestingZooKeeperServer server : cluster.getServers()) {
                    server.stop();
                }
                // longer than the 4 s session: the client gives the session up and starts a new one
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !status(nerve).get("zk_connected").asBoolean());
                Thread.sleep(6_000);
                for (TestingZooKeeperServer server : cluster.getServers()) {
                    server.restart();
                }
                try (CuratorFramework observer = ZooKeeperObserver.connected(cluster.getConnectString())) {
                    await().atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> status(nerve).get("zk_connected").asBoolean()
                                    && status(nerve).get("registered").asBoolean()
                                    && !status(nerve).get("znode").asText().endsWith(before));
                    JsonNode owned = status(nerve).get("owned_znodes");
                    assertTrue(owned.size() >= 1, owned.toString());

                    admin(nerve, "POST", "/services/web/maintenance");
                    long start = System.nanoTime();
                    await().atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(10))
                            .until(() -> nodes(observer).isEmpty());
                    long tookMillis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(
                            tookMillis <= ONE_INTERVAL.toMillis(),
                            "every registration gone " + tookMillis + "ms after maintenance");
                    assertEquals(0, status(nerve).get("owned_znodes").size());
                    // and nothing reappears when the old session finally expires on the restored ensemble
                    await().during(Duration.ofSeconds(5))
                            .atMost(Duration.ofSeconds(6))
                            .until(() -> nodes(observer).isEmpty());
                }
            }
        }
    }

    @Test
    void aNodeDeletedByAnotherClientIsBackWithinOneInterval(@TempDir Path directory) throws Exception {
        try (TestingServer zooKeeper = new TestingServer(true);
                HealthEndpoint endpoint = HealthEndpoint.start()) {
            Path config = config(directory, endpoint, zooKeeper.getConnectString(), "10s");
            try (Nerve nerve = new Nerve(
                    NerveConfigReader.load(config, Optional.empty()), Optional.of(config), Optional.empty())) {
                nerve.start();
                ZooKeeper plain = plainClient(zooKeeper.getConnectString());
                try {
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> children(plain).size() == 1);
                    String first = children(plain).get(0);
                    assertEquals(PATH + "/" + first, status(nerve).get("znode").asText());

                    plain.delete(PATH + "/" + first, -1);
                    long start = System.nanoTime();
                    await().atMost(Duration.ofSeconds(10))
                            .pollInterval(Duration.ofMillis(10))
                            .until(() -> children(plain).size() == 1);
                    long tookMillis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(tookMillis <= ONE_INTERVAL.toMillis(), "re-created after " + tookMillis + "ms");
                    String second = children(plain).get(0);
                    assertNotEquals(first, second);
                    assertTrue(second.startsWith("box-1_"), second);
                    await().atMost(Duration.ofSeconds(2)).until(() -> status(nerve)
                            .get("owned_znodes")
                            .toString()
                            .equals("[\"" + PATH + "/" + second + "\"]"));
                } finally {
                    plain.close();
                }
            }
        }
    }

    private static Path config(Path directory, HealthEndpoint endpoint, String hosts, String sessionTimeout)
            throws Exception {
        Path config = directory.resolve("nerve.yaml");
        String zkHosts = String.join("\", \"", hosts.split(","));
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
                    zk_path: %s
                    zk_session_timeout: %s
                    check_interval: %dms
                    checks: [{type: http, uri: /health, timeout: 1}]
                """
                        .formatted(endpoint.port(), zkHosts, PATH, sessionTimeout, INTERVAL.toMillis()));
        return config;
    }

    private static ZooKeeper plainClient(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(connectString, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("plain client did not connect to " + connectString);
        }
        return client;
    }

    private static List<String> children(ZooKeeper client) throws Exception {
        try {
            return client.getChildren(PATH, false);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private static List<String> nodes(CuratorFramework observer) throws Exception {
        try {
            return observer.getChildren().forPath(PATH);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private static JsonNode status(Nerve nerve) throws Exception {
        return JSON.readTree(admin(nerve, "GET", "/services/web"));
    }

    private static String admin(Nerve nerve, String method, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nerve.adminPort() + path))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
