package io.smartstack.synapse.haproxy.live;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.synapse.Synapse;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.haproxy.HaproxyGeneratorFactory;
import io.smartstack.synapse.reconcile.Reconciler;
import io.smartstack.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole daemon with a managed HAProxy 2.6 and a real ZooKeeper, while a plain ZooKeeper client
 * (raw bytes, not the project's codec) writes hostile registrations next to good ones: nothing they
 * hold reaches haproxy.cfg or HAProxy, the good backends keep serving, /status, the status page and
 * the rejection metric name each one once, and changes to another service keep applying.
 */
class LiveHostileRegistrationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEB = "/nerve/services/web/services";
    private static final String API = "/nerve/services/api/services";

    private final HttpBackends backends = new HttpBackends();
    private final LiveHaproxy haproxy = new LiveHaproxy("");
    private final int webPort = FreePorts.next();
    private final int apiPort = FreePorts.next();
    private final int injectedPort = FreePorts.next();
    private final HttpClient http = HttpClient.newHttpClient();
    private TestingServer zookeeper;
    private ZooKeeper writer;
    private Synapse synapse;

    @AfterEach
    void stop() throws Exception {
        try {
            if (synapse != null) {
                synapse.close();
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
            if (zookeeper != null) {
                zookeeper.close();
            }
            haproxy.close();
            backends.close();
        }
    }

    @Test
    void hostileRegistrationsAreRejectedAloneAndNeverReachHaproxy() throws Exception {
        zookeeper = new TestingServer(true);
        CountDownLatch connected = new CountDownLatch(1);
        writer = new ZooKeeper(zookeeper.getConnectString(), 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS));
        createParents(WEB);
        createParents(API);
        int a = backends.start("a");
        int b = backends.start("b");
        int c = backends.start("c");
        write(WEB + "/good_a", "{\"host\":\"127.0.0.1\",\"port\":" + a + ",\"name\":\"a\"}");
        write(API + "/good_b", "{\"host\":\"127.0.0.1\",\"port\":" + b + ",\"name\":\"b\"}");

        Map<String, String> hostile = new HashMap<>();
        hostile.put(
                "inject",
                "{\"host\":\"127.0.0.1\",\"port\":" + a + ",\"name\":\"x\",\"haproxy_server_options\":"
                        + "\"check\\nlisten injected\\n  bind 127.0.0.1:" + injectedPort + "\\n  mode http\"}");
        hostile.put("newline_host", "{\"host\":\"127.0.0.1\\nlisten injected2\",\"port\":" + a + "}");
        hostile.put("spaced_name", "{\"host\":\"127.0.0.1\",\"port\":" + a + ",\"name\":\"x disabled backup\"}");
        hostile.put("port_zero", "{\"host\":\"127.0.0.1\",\"port\":0,\"name\":\"zero\"}");
        hostile.put("control", "{\"host\":\"127.0.0.1\",\"port\":" + a + ",\"name\":\"ctl\\u0000\\u0007\"}");
        hostile.put(
                "unknown_option",
                "{\"host\":\"127.0.0.1\",\"port\":" + a + ",\"name\":\"bogus\","
                        + "\"haproxy_server_options\":\"no_such_keyword 1\"}");
        hostile.put("not_json", "listen injected3\n bind 127.0.0.1:" + injectedPort + "\n");
        for (Map.Entry<String, String> entry : hostile.entrySet()) {
            write(WEB + "/" + entry.getKey(), entry.getValue());
        }
        byte[] oversized = new byte[70_000];
        Arrays.fill(oversized, (byte) ' ');
        oversized[0] = '{';
        oversized[oversized.length - 1] = '}';
        writer.create(WEB + "/oversized", oversized, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

        start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Traffic.send(webPort, 4).keySet().equals(Set.of("a")));
        assertEquals(Set.of("b"), Traffic.send(apiPort, 4).keySet());

        String config = haproxy.installedConfig();
        assertFalse(config.contains("injected"), config);
        assertFalse(config.contains(String.valueOf(injectedPort)), config);
        assertFalse(config.contains("disabled backup"), config);
        assertFalse(config.contains("no_such_keyword"), config);
        String stat = haproxy.runtime("show stat");
        assertFalse(stat.contains("injected"), stat);
        assertEquals(
                List.of("a"),
                stat.lines()
                        .filter(line -> line.startsWith("web,")
                                && !line.startsWith("web,FRONTEND")
                                && !line.startsWith("web,BACKEND"))
                        .map(line -> line.split(",")[1].replaceAll("_.*", ""))
                        .toList(),
                stat);

        JsonNode web = service("web");
        Map<String, String> reasons = new HashMap<>();
        web.get("rejected")
                .forEach(
                        r -> reasons.put(r.get("path").asText(), r.get("reason").asText()));
        assertEquals(
                Map.of(
                        WEB + "/inject", "server_options",
                        WEB + "/newline_host", "host",
                        WEB + "/spaced_name", "name",
                        WEB + "/port_zero", "port",
                        WEB + "/control", "name",
                        WEB + "/not_json", "not_json",
                        "web/bogus_127.0.0.1:" + a, "haproxy",
                        WEB + "/oversized", "too_large"),
                reasons,
                web.toString());
        assertEquals(0, service("api").get("rejected").size());
        String page = get("/").body();
        assertTrue(page.contains(WEB + "/inject"), page);
        assertTrue(page.contains("haproxy_server_options may hold only printable ASCII"), page);
        assertFalse(page.contains("\nlisten"), page); // shown escaped, never as a line of its own

        // More events on the same bad znodes (rewritten with the same data) do not count them again.
        for (String name : List.of("inject", "port_zero")) {
            writer.setData(WEB + "/" + name, hostile.get(name).getBytes(StandardCharsets.UTF_8), -1);
        }
        write(API + "/good_c", "{\"host\":\"127.0.0.1\",\"port\":" + c + ",\"name\":\"c\"}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Traffic.send(apiPort, 6).keySet().equals(Set.of("b", "c")));
        assertEquals(1.0, rejectedCount("server_options"));
        assertEquals(1.0, rejectedCount("port"));
        assertEquals(2.0, rejectedCount("name"));
        assertEquals(1.0, rejectedCount("haproxy"));

        // Through the runtime API: HAProxy refuses 'add server'; the server is left out and reported.
        write(
                WEB + "/late_bogus",
                "{\"host\":\"127.0.0.1\",\"port\":" + b
                        + ",\"name\":\"late\",\"haproxy_server_options\":\"another_bad_keyword\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> rejectedCount("haproxy") == 2.0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service("web").toString().contains("web/late_127.0.0.1:" + b));
        assertFalse(haproxy.runtime("show stat").contains("late_"));
        assertFalse(haproxy.installedConfig().contains("another_bad_keyword"));
        write(API + "/good_a", "{\"host\":\"127.0.0.1\",\"port\":" + a + ",\"name\":\"a\"}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Traffic.send(apiPort, 9).keySet().equals(Set.of("a", "b", "c")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> haproxy.installedConfig().contains("server a_127.0.0.1:" + a));
        assertEquals(Set.of("a"), Traffic.send(webPort, 6).keySet());

        // A new reason is counted and listed again; the good backend still serves.
        writer.setData(WEB + "/port_zero", "{\"host\":\"-bad-\",\"port\":1}".getBytes(StandardCharsets.UTF_8), -1);
        await().atMost(Duration.ofSeconds(10)).until(() -> rejectedCount("host") == 2.0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service("web").toString().contains("host is not an IP address"));
        assertEquals(1.0, rejectedCount("port"));

        // Every registration of a service rejected: the service keeps the backends it has.
        writer.delete(WEB + "/unknown_option", -1);
        writer.delete(WEB + "/late_bogus", -1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !service("web").toString().contains("bogus_127.0.0.1"));
        writer.setData(WEB + "/good_a", "{\"host\":\"127.0.0.1\",\"port\":70000}".getBytes(StandardCharsets.UTF_8), -1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service("web").get("selection").asText().equals("rejected_registrations"));
        assertEquals(Set.of("a"), Traffic.send(webPort, 6).keySet());
        assertFalse(haproxy.installedConfig().contains("injected"));

        // Nothing quarantined any more: a change to one service alone goes through the runtime API,
        // and a server HAProxy refuses there is quarantined and reported all the same.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !service("web").toString().contains("\"reason\":\"haproxy\""));
        write(
                API + "/refused",
                "{\"host\":\"127.0.0.1\",\"port\":" + c
                        + ",\"name\":\"refused\",\"haproxy_server_options\":\"yet_another_bad_keyword\"}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> service("api").get("rejected").toString().contains("api/refused_127.0.0.1:" + c));
        JsonNode refused = service("api").get("rejected").get(0);
        assertEquals("haproxy", refused.get("reason").asText());
        // found by the refused 'add server' itself, not later by the config file's check
        assertTrue(refused.get("detail").asText().startsWith("HAProxy refused 'add server': "), refused.toString());
        assertFalse(haproxy.runtime("show stat").contains("refused_"));
        assertEquals(Set.of("a", "b", "c"), Traffic.send(apiPort, 9).keySet());
    }

    private double rejectedCount(String reason) {
        var counter = synapse.metrics()
                .find("synapse.registrations.rejected")
                .tags("service", "web", "reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private void start() throws Exception {
        Path file = haproxy.directory.resolve("synapse.yaml");
        String section = "    haproxy: %s\n";
        Files.writeString(
                file,
                """
                services:
                  web:
                    discovery: {method: zookeeper, hosts: ["%1$s"], path: %2$s}
                %3$s  api:
                    discovery: {method: zookeeper, hosts: ["%1$s"], path: %4$s}
                %5$s%6$s
                admin: {bind: 127.0.0.1, port: 0}
                """
                        .formatted(
                                zookeeper.getConnectString(),
                                WEB,
                                section.formatted(LiveHaproxy.service(webPort, "")),
                                API,
                                section.formatted(LiveHaproxy.service(apiPort, "")),
                                haproxy.settingsYaml()));
        synapse = new Synapse(
                file,
                new SynapseConfigLoader(List.of(new HaproxyGeneratorFactory()), EnvironmentSubstitution.system()),
                new Reconciler.Settings(Duration.ofMillis(500), Duration.ofMinutes(5)),
                Clock.systemUTC());
        synapse.start();
    }

    private JsonNode service(String name) throws Exception {
        for (JsonNode service : JSON.readTree(get("/status").body()).get("services")) {
            if (service.get("name").asText().equals(name)) {
                return service;
            }
        }
        throw new AssertionError("no service " + name);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + synapse.adminPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void write(String path, String data) throws Exception {
        writer.create(path, data.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    }

    private void createParents(String path) throws Exception {
        StringBuilder current = new StringBuilder();
        for (String part : path.substring(1).split("/")) {
            current.append('/').append(part);
            try {
                writer.create(current.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                // already there
            }
        }
    }
}
