package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smartstack.it.support.Stack;
import io.smartstack.it.support.Stack.NerveTiming;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.it.support.Traffic;
import io.smartstack.it.support.WebStack;
import io.smartstack.it.support.ZooKeeperProcess;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarting ZooKeeper (same port, same data) under load: no failed request, no lost registration. */
class ZooKeeperRestartTest {
    private static final Duration ROUTED = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void restartingZooKeeperLosesNoTrafficAndNoRegistration() throws Exception {
        try (Stack stack = Stack.in(temp)) {
            ZooKeeperProcess zooKeeper = stack.startZooKeeper();
            WebStack web = new WebStack(stack);
            NerveTiming timing = NerveTiming.FAST.withSessionTimeout(Duration.ofSeconds(30));
            SynapseProcess synapse = web.startSynapse("");
            WebStack.Instance one = web.addInstance("web-1", timing);
            WebStack.Instance two = web.addInstance("web-2", timing);
            await().atMost(ROUTED)
                    .until(() -> Traffic.spread(web.url(), 8).keySet().equals(Set.of("web-1", "web-2")));
            Map<String, String> znodes = Map.of("web-1", znode(one), "web-2", znode(two));
            String registry = "zookeeper:" + zooKeeper.connectString();

            try (Traffic.Load load = Traffic.load(web.url(), 100_000, Duration.ofSeconds(90))) {
                await().atMost(ROUTED).until(() -> load.succeeded() > 20);
                zooKeeper.stop();
                assertThat(accepts(zooKeeper.port())).as("ZooKeeper is down").isFalse();
                await().atMost(ROUTED).until(() -> synapse.status()
                        .path("registries")
                        .path(registry)
                        .path("state")
                        .asText()
                        .equals("lost"));
                long duringOutage = load.succeeded();
                await().atMost(ROUTED).until(() -> load.succeeded() > duringOutage + 100);

                zooKeeper.start();
                await().atMost(ROUTED).until(() -> synapse.status()
                        .path("registries")
                        .path(registry)
                        .path("state")
                        .asText()
                        .equals("connected"));
                await().atMost(ROUTED)
                        .until(() ->
                                one.nerve().service("web").path("zk_connected").asBoolean()
                                        && two.nerve()
                                                .service("web")
                                                .path("zk_connected")
                                                .asBoolean());
                long afterRestart = load.succeeded();
                await().atMost(ROUTED).until(() -> load.succeeded() > afterRestart + 200);
                load.close();
                assertThat(load.failed())
                        .as("failed requests: %s", load.failures())
                        .isZero();
                assertThat(load.answeredBy("web-1")).isPositive();
                assertThat(load.answeredBy("web-2")).isPositive();
            }
            assertThat(synapse.backendNames(WebStack.SERVICE)).containsExactly("web-1", "web-2");
            assertThat(Map.of("web-1", znode(one), "web-2", znode(two)))
                    .as("the same registrations: the sessions survived the restart")
                    .isEqualTo(znodes);
            assertThat(Traffic.spread(web.url(), 20)).containsOnlyKeys("web-1", "web-2");
            assertThat(synapse.haproxyStatus().path("reloads").asInt()).isZero();
        }
    }

    private static String znode(WebStack.Instance instance) {
        String znode = instance.nerve().service("web").path("znode").asText();
        assertThat(znode).as("%s registered", instance.name()).startsWith("/");
        return znode;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
