package io.smartstack.synapse.haproxy.live;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server ids in a real HAProxy 2.6: asked-for ids ({@code haproxy_server_id}, {@code id} in the options)
 * are the ids HAProxy runs with, also for servers added at runtime, every id stays within
 * {@code max_server_id}, and the ids stay the same over a reload, over a restart of the generator that
 * adopts the running HAProxy, and over a restart of both.
 */
class LiveServerIdsTest {
    private static final int MAX_SERVER_ID = 20;
    private final HttpBackends backends = new HttpBackends();
    private final LiveHaproxy haproxy =
            new LiveHaproxy("  server_order_seed: 3\n  max_server_id: " + MAX_SERVER_ID + "\n");
    private final int port = FreePorts.next();
    private final List<ConfigGenerator> generators = new ArrayList<>();

    @AfterEach
    void stop() {
        generators.forEach(ConfigGenerator::close);
        haproxy.close();
        backends.close();
    }

    private ConfigGenerator started() throws Exception {
        ConfigGenerator generator = haproxy.newGenerator();
        generators.add(generator);
        generator.start();
        return generator;
    }

    private DesiredState web(List<Backend> servers, String extra) {
        return DesiredState.of(List.of(service("web", servers, LiveHaproxy.service(port, extra))));
    }

    /** Server name (without the address part) to the id HAProxy runs it with. */
    private Map<String, Integer> runningIds() {
        Map<String, Integer> ids = new TreeMap<>();
        for (RuntimeServer server : RuntimeParsers.serversState(haproxy.runtime("show servers state web"))) {
            ids.put(server.name().substring(0, server.name().indexOf('_')), server.id());
        }
        return ids;
    }

    private Backend live(String name) {
        return backend(name, "127.0.0.1", backends.start(name));
    }

    @Test
    void askedForIdsRunInHaproxyAndEveryIdSurvivesReloadAndRestarts() throws Exception {
        Backend asked = live("asked").withHaproxyServerId(9);
        Backend inOptions = new Backend(
                "127.0.0.1",
                backends.start("inopts"),
                "inopts",
                OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.of("id 5"),
                Map.of(),
                BackendOrigin.REGISTRY);
        Backend bigSequence = new Backend(
                "127.0.0.1",
                backends.start("seq"),
                "seq",
                OptionalLong.of(70000), // a znode sequence number beyond max_server_id
                OptionalInt.empty(),
                Optional.empty(),
                Map.of(),
                BackendOrigin.REGISTRY);
        Backend plain = live("plain");
        ConfigGenerator first = started();
        first.apply(web(List.of(asked, inOptions, bigSequence, plain), ""));

        Map<String, Integer> ids = runningIds();
        assertEquals(9, ids.get("asked"), ids.toString());
        assertEquals(5, ids.get("inopts"), ids.toString());
        assertEquals(4, Set.copyOf(ids.values()).size(), ids.toString());
        assertTrue(ids.values().stream().allMatch(id -> id >= 1 && id <= MAX_SERVER_ID), ids.toString());
        String config = haproxy.installedConfig();
        assertTrue(config.contains(" id 5 "), config);
        assertTrue(!config.contains(" id 5 id ") && !config.contains("check inter 300ms rise 1 fall 1 id 5"), config);

        // a server added through the runtime API gets its asked-for id there too, without a reload
        int reloads = haproxy.masterReloads();
        Backend added = live("added").withHaproxyServerId(12);
        first.apply(web(List.of(asked, inOptions, bigSequence, plain, added), ""));
        assertEquals(reloads, haproxy.masterReloads(), "added at runtime");
        ids = runningIds();
        assertEquals(12, ids.get("added"), ids.toString());
        Map<String, Integer> before = Map.copyOf(ids);

        // a reload (the backend's lines change) keeps every id
        first.apply(web(List.of(asked, inOptions, bigSequence, plain, added), ", \"backend\": [\"retries 2\"]"));
        await().atMost(Duration.ofSeconds(15)).until(() -> haproxy.masterReloads() > reloads);
        await().atMost(Duration.ofSeconds(10)).until(() -> runningIds().equals(before));

        // a new generator adopts the running HAProxy: same ids, given the servers in another order
        first.close();
        List<Backend> reversed = List.of(added, plain, bigSequence, inOptions, asked);
        started().apply(web(reversed, ", \"backend\": [\"retries 2\"]"));
        assertEquals(before, runningIds());

        // HAProxy and the generator both restart: the ids come back from the installed config
        generators.forEach(ConfigGenerator::close);
        long master = haproxy.masterPid().orElseThrow();
        LiveHaproxy.stopProcess(master);
        started().apply(web(reversed, ", \"backend\": [\"retries 2\"]"));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> haproxy.masterPid().filter(pid -> pid != master).isPresent());
        assertNotEquals(master, haproxy.masterPid().orElseThrow());
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                return runningIds().equals(before);
            } catch (RuntimeException e) {
                return false; // the new HAProxy's socket is not there yet
            }
        });
    }

    @Test
    void askingARunningServerForAnotherIdReloadsHaproxyOntoIt() throws Exception {
        Backend a = live("a");
        Backend b = live("b");
        ConfigGenerator generator = started();
        generator.apply(web(List.of(a, b), ""));
        Map<String, Integer> ids = runningIds();
        assertEquals(Map.of("a", 1, "b", 2), ids);
        int reloads = haproxy.masterReloads();

        generator.apply(web(List.of(a, b.withHaproxyServerId(7)), ""));

        await().atMost(Duration.ofSeconds(15)).until(() -> haproxy.masterReloads() > reloads);
        await().atMost(Duration.ofSeconds(10)).until(() -> runningIds().equals(Map.of("a", 1, "b", 7)));
        int after = haproxy.masterReloads();
        generator.apply(web(List.of(a, b.withHaproxyServerId(7)), ""));
        assertEquals(after, haproxy.masterReloads(), "once HAProxy runs the asked-for id, nothing more to do");
    }
}
