package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.common.zookeeper.ServerVersion;
import io.smartstack.common.zookeeper.ServerVersions;
import io.smartstack.common.zookeeper.ZooKeeperClientFactory;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import io.smartstack.it.support.Stack;
import io.smartstack.it.support.Stack.NerveTiming;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.it.support.WebStack;
import io.smartstack.it.support.ZooKeeperProcess;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nerve and Synapse against released ZooKeeper servers 3.4.14 and 3.5.10 and against the newest one (the
 * project's own development server, {@code dev}): Nerve registers in the original wire format, Synapse
 * routes through its HAProxy, an instance added later and one whose Nerve stops are reflected, and the
 * watch mode Synapse chose fits the server (ordinary watches before 3.6, persistent ones from 3.6).
 * Neither daemon may drop its connection on the way (a server answering a request it does not know
 * "unimplemented" closes the connection, which both daemons would log as lost).
 */
class ZooKeeperServerVersionsTest {
    private static final Duration ROUTED = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @ParameterizedTest(name = "ZooKeeper {0}")
    @ValueSource(strings = {"3.4.14", "3.5.10", "dev"})
    void bothDaemonsWorkAgainstTheServer(String version) throws Exception {
        try (Stack stack = Stack.in(temp)) {
            ZooKeeperProcess zooKeeper =
                    version.equals("dev") ? stack.startZooKeeper() : stack.startZooKeeperRelease(version);
            String expectedVersion = version.equals("dev") ? org.apache.zookeeper.Version.getFullVersion() : version;
            expectedVersion = expectedVersion.replaceAll("[^0-9.].*$", "");
            boolean persistent = !version.startsWith("3.4.") && !version.startsWith("3.5.");
            String path = stack.registrationPath(WebStack.SERVICE);
            WebStack web = new WebStack(stack);
            SynapseProcess synapse = web.startSynapse("");
            WebStack.Instance one = web.addInstance("web-1", NerveTiming.FAST);
            web.awaitAnswering(ROUTED, "web-1");

            try (PlainClient plain = new PlainClient(zooKeeper.connectString())) {
                List<JsonNode> registered = plain.registrations(path);
                assertThat(registered).hasSize(1);
                JsonNode registration = registered.get(0);
                assertThat(registration.path("host").asText()).isEqualTo("127.0.0.1");
                assertThat(registration.path("port").asInt())
                        .isEqualTo(one.service().port());
                assertThat(registration.path("name").asText()).isEqualTo("web-1");
                assertThat(plain.ephemeralOwners(path))
                        .as("registrations are ephemeral")
                        .doesNotContain(0L);

                WebStack.Instance two = web.addInstance("web-2", NerveTiming.FAST);
                web.awaitAnswering(ROUTED, "web-1", "web-2");
                assertThat(plain.registrations(path))
                        .extracting(node -> node.path("name").asText())
                        .containsExactlyInAnyOrder("web-1", "web-2");

                assertThat(two.nerve().terminate()).isZero();
                await().atMost(ROUTED).until(() -> plain.registrations(path).size() == 1);
                web.awaitAnswering(ROUTED, "web-1");
                assertThat(synapse.backendNames(WebStack.SERVICE)).containsExactly("web-1");
            }

            String mode = persistent ? "persistent recursive watches" : "ordinary watches";
            assertThat(synapse.logText())
                    .as("Synapse's watch mode")
                    .contains("ZooKeeper " + expectedVersion + ": services are watched with " + mode);
            assertThat(synapse.logText())
                    .contains("ZooKeeper " + zooKeeper.connectString() + " runs server version " + expectedVersion)
                    .doesNotContain("lost (SUSPENDED)")
                    .doesNotContain("Unimplemented");
            assertThat(one.nerve().logText())
                    .contains("ZooKeeper " + zooKeeper.connectString() + " runs server version " + expectedVersion)
                    .doesNotContain("Unimplemented");
            assertThat(one.nerve()
                            .service(WebStack.SERVICE)
                            .path("zk_connected")
                            .asBoolean())
                    .isTrue();
        }
    }

    /**
     * What the daemons learn from each released server: its exact version from {@code srvr}, and, for a
     * server that would not answer it, the line from {@code /zookeeper/config} (absent on 3.4).
     */
    @ParameterizedTest(name = "ZooKeeper {0}")
    @ValueSource(strings = {"3.4.14", "3.5.10"})
    void theVersionOfAReleasedServer(String version) throws Exception {
        try (Stack stack = Stack.in(temp)) {
            ZooKeeperProcess zooKeeper = stack.startZooKeeperRelease(version);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", zooKeeper.port());
            // A server that has bound its port but not loaded its data answers srvr without a version.
            await().atMost(ROUTED).until(() -> ServerVersions.srvr(server).isPresent());
            assertThat(ServerVersions.srvr(server)).map(ServerVersion::toString).contains(version);
            try (CuratorFramework client =
                    ZooKeeperClientFactory.create(ZooKeeperSettings.of(zooKeeper.connectString()))) {
                client.start();
                assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
                ServerVersion line = ServerVersions.lineOf(client);
                assertThat(line.toString()).isEqualTo(version.startsWith("3.4.") ? "3.4" : "3.5 or newer");
                assertThat(line.hasPersistentWatches()).isFalse();
                assertThat(ServerVersions.of(client).get(20, TimeUnit.SECONDS)).hasToString(version);
            }
        }
    }

    /** A plain ZooKeeper client, as any other program reading the registrations. */
    private static final class PlainClient implements AutoCloseable {
        private final ZooKeeper zooKeeper;

        PlainClient(String connectString) throws Exception {
            CountDownLatch connected = new CountDownLatch(1);
            zooKeeper = new ZooKeeper(connectString, 10_000, event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            if (!connected.await(20, TimeUnit.SECONDS)) {
                zooKeeper.close();
                throw new IllegalStateException("no connection to ZooKeeper " + connectString);
            }
        }

        List<JsonNode> registrations(String path) throws Exception {
            List<JsonNode> registrations = new ArrayList<>();
            for (String child : children(path)) {
                try {
                    registrations.add(JSON.readTree(zooKeeper.getData(path + "/" + child, false, null)));
                } catch (KeeperException.NoNodeException gone) {
                    // Removed between the list and the read.
                }
            }
            return registrations;
        }

        List<Long> ephemeralOwners(String path) throws Exception {
            List<Long> owners = new ArrayList<>();
            for (String child : children(path)) {
                Stat stat = zooKeeper.exists(path + "/" + child, false);
                if (stat != null) {
                    owners.add(stat.getEphemeralOwner());
                }
            }
            return owners;
        }

        private List<String> children(String path) throws Exception {
            try {
                return zooKeeper.getChildren(path, false);
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
        }

        @Override
        public void close() throws InterruptedException {
            zooKeeper.close();
        }
    }
}
