package io.smartstack.synapse.haproxy.live;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a reload is the only way: the original strategy, balance algorithms without dynamic servers; weights at runtime. */
class LiveReloadStrategyTest {
    private final HttpBackends backends = new HttpBackends();
    private final int port = FreePorts.next();
    private LiveHaproxy haproxy;
    private ConfigGenerator generator;

    @AfterEach
    void stop() {
        if (generator != null) {
            generator.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        backends.close();
    }

    private void start(String settings) throws Exception {
        haproxy = new LiveHaproxy(settings);
        generator = haproxy.newGenerator();
        generator.start();
    }

    private DesiredState web(List<Backend> servers, String extra) {
        return DesiredState.of(List.of(service("web", servers, LiveHaproxy.service(port, extra))));
    }

    @Test
    void withoutDynamicServersNewBackendsReloadRateLimitedAndCoalesced() throws Exception {
        start("  dynamic_servers: false\n  restart_interval: 1.5\n");
        List<Backend> servers = new ArrayList<>(List.of(backend("a", "127.0.0.1", backends.start("a"))));
        generator.apply(web(servers, ""));
        int reloads = haproxy.masterReloads();

        for (String name : List.of("b", "c", "d")) {
            servers.add(backend(name, "127.0.0.1", backends.start(name)));
            generator.apply(web(servers, ""));
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 20).keySet().equals(Set.of("a", "b", "c", "d")));
        assertEquals(reloads + 2, haproxy.masterReloads(), "one reload at once, then one for the two coalesced");
    }

    @Test
    void aBackendWhoseOnlyServersWaitForAReloadIsReloadedAtOnceWithoutA503() throws Exception {
        start("  dynamic_servers: false\n  restart_interval: 30\n");
        Backend a = backend("a", "127.0.0.1", backends.start("a"));
        Backend b = backend("b", "127.0.0.1", backends.start("b"));
        Backend c = backend("c", "127.0.0.1", backends.start("c"));
        generator.apply(web(List.of(a), ""));
        generator.apply(web(List.of(a, b), "")); // reloads at once, then restart_interval holds the next one
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 10).keySet().equals(Set.of("a", "b")));
        int reloads = haproxy.masterReloads();

        try (Traffic traffic = new Traffic(port).start(2)) {
            generator.apply(web(List.of(a, b, c), "")); // deferred by restart_interval
            generator.apply(web(List.of(b, c), "")); // a drains, b still serves
            await().atMost(Duration.ofSeconds(3)).until(() -> traffic.ok() > 50);
            generator.apply(web(List.of(c), "")); // nothing routable until c is in: reload now
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Traffic.send(port, 10).keySet().equals(Set.of("c")));
            long okBefore = traffic.ok();
            await().atMost(Duration.ofSeconds(3)).until(() -> traffic.ok() > okBefore + 50);
            assertEquals(Map.of(), traffic.errors(), "no request failed while the backend was replaced");
        }
        assertEquals(reloads + 1, haproxy.masterReloads(), "one reload, before restart_interval had passed");
    }

    @Test
    void aBalanceAlgorithmThatRefusesDynamicServersFallsBackToAReloadWithItsReason() throws Exception {
        start("");
        List<Backend> servers = new ArrayList<>(List.of(backend("a", "127.0.0.1", backends.start("a"))));
        String staticRoundRobin = ", \"backend\": [\"balance static-rr\"]";
        generator.apply(web(servers, staticRoundRobin));
        int reloads = haproxy.masterReloads();

        servers.add(backend("b", "127.0.0.1", backends.start("b")));
        generator.apply(web(servers, staticRoundRobin));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Traffic.send(port, 10).keySet().equals(Set.of("a", "b")));
        assertEquals(reloads + 1, haproxy.masterReloads());
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) generator.status();
        assertTrue(status.get("lastReloads").toString().contains("refuses dynamic servers"), status.toString());
    }

    @Test
    void weightChangesGoThroughTheRuntimeApi() throws Exception {
        start("  use_nerve_weights: true\n");
        Backend a = backend("a", "127.0.0.1", backends.start("a"));
        Backend weighted = new Backend(
                a.host(),
                a.port(),
                a.name(),
                a.id(),
                OptionalInt.of(10),
                a.haproxyServerOptions(),
                a.labels(),
                a.origin());
        generator.apply(web(List.of(weighted), ""));
        int reloads = haproxy.masterReloads();

        Backend heavier = new Backend(
                a.host(),
                a.port(),
                a.name(),
                a.id(),
                OptionalInt.of(42),
                a.haproxyServerOptions(),
                a.labels(),
                a.origin());
        generator.apply(web(List.of(heavier), ""));

        String state = haproxy.runtime("show servers state web");
        assertTrue(state.matches("(?s).* a_127\\.0\\.0\\.1:\\d+ 127\\.0\\.0\\.1 \\d+ \\d+ 42 .*"), state);
        assertEquals(reloads, haproxy.masterReloads());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> haproxy.installedConfig().contains(" weight 42"));
    }
}
