package io.smartstack.synapse.haproxy.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zone-aware routing end to end: registrations in a real ZooKeeper (the original znode format, with
 * {@code labels: {az: ...}}), the whole Synapse in-process managing a real HAProxy 2.6, real HTTP
 * backends in two zones. Traffic stays in the local zone, spills over to the other one when the local
 * backends fail HAProxy's checks, and comes back when they pass again: no failed request, no reload.
 */
class LiveZoneRoutingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTRATIONS = "/smartstack/web/services";
    /** HAProxy's check interval on every server ({@code inter}); the zone watch reads every 500 ms. */
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(300);

    private final HttpBackends backends = new HttpBackends();
    private final LiveHaproxy haproxy =
            new LiveHaproxy("  bind_address: 127.0.0.1\n  zone_routing: {local_zone: zone-a, min_healthy: 1}\n");
    private final int port = FreePorts.next();
    private final HttpClient http = HttpClient.newHttpClient();
    private TestingServer zookeeper;
    private CuratorFramework writer;
    private Synapse synapse;

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(true);
        writer = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        writer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            if (synapse != null) {
                synapse.close();
            }
            writer.close();
            zookeeper.close();
        } finally {
            haproxy.close();
            backends.close();
        }
    }

    @Test
    void trafficStaysInTheLocalZoneSpillsOverWhenItsChecksFailAndReturnsWithoutReloadOrFailedRequest()
            throws Exception {
        for (String name : List.of("a1", "a2", "b1", "b2")) {
            register(name, backends.start(name), "zone-" + name.charAt(0));
        }
        startSynapse();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Traffic.send(port, 8).keySet().equals(Set.of("a1", "a2")));
        int reloads = haproxy.masterReloads();
        long worker = haproxy.workerPid();
        int synapseReloads = haproxyStatus().path("reloads").asInt();

        // (a) preference: a bounded batch reaches only the local zone, both of its backends
        Map<String, Integer> local = Traffic.send(port, 200);
        assertThat(local.keySet()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(local.values()).allSatisfy(count -> assertThat(count).isGreaterThan(50));
        assertZone("local", "traffic stays in zone zone-a");

        try (Traffic load = new Traffic(port).start(2, 20_000, Duration.ofSeconds(60))) {
            // (b) spill-over: the local backends fail HAProxy's checks (they still answer requests)
            long before = hits("b1") + hits("b2");
            long failedAt = System.nanoTime();
            backends.failHealth("a1");
            backends.failHealth("a2");
            Duration toOtherZone = awaitElapsed(failedAt, () -> hits("b1") + hits("b2") > before);
            Duration toDecision = awaitElapsed(
                    failedAt, () -> zone().path("decision").asText().equals("spill_over"));
            assertThat(zone().path("reason").asText()).contains("0 of 2 servers in zone zone-a healthy");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Traffic.send(port, 8).keySet().equals(Set.of("b1", "b2")));
            long localHits = hits("a1") + hits("a2");
            Map<String, Integer> spilled = Traffic.send(port, 100);
            assertThat(spilled.keySet()).containsExactlyInAnyOrder("b1", "b2");
            assertThat(hits("a1") + hits("a2"))
                    .as("the local zone gets no request (the load's neither) while spilled over")
                    .isEqualTo(localHits);
            assertThat(statusPage()).contains("zone routing: <b>spill_over</b> (local zone zone-a)");

            // (c) return: the local backends pass their checks again
            long recoveredAt = System.nanoTime();
            backends.recoverHealth("a1");
            backends.recoverHealth("a2");
            Duration backToLocal = awaitElapsed(
                    recoveredAt, () -> zone().path("decision").asText().equals("local"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Traffic.send(port, 8).keySet().equals(Set.of("a1", "a2")));
            long otherHits = hits("b1") + hits("b2");
            assertThat(Traffic.send(port, 100).keySet()).containsExactlyInAnyOrder("a1", "a2");
            assertThat(hits("b1") + hits("b2"))
                    .as("the other zone gets no request (the load's neither) once traffic is back")
                    .isEqualTo(otherHits);
            assertThat(statusPage()).contains("zone routing: <b>local</b> (local zone zone-a)");

            load.close();
            System.out.printf(
                    "zone routing: other zone answering %d ms and spill_over decided %d ms after the local"
                            + " checks began failing, local decided %d ms after they passed (HAProxy check"
                            + " inter %d ms); load %d ok, %d failed%n",
                    toOtherZone.toMillis(),
                    toDecision.toMillis(),
                    backToLocal.toMillis(),
                    CHECK_INTERVAL.toMillis(),
                    load.ok(),
                    load.failed());
            // HAProxy itself moves the traffic (to the backup twins) on the first failed check of the last
            // local server; the bound leaves room for a loaded machine, the printed figures show the real time
            assertThat(toOtherZone).isLessThan(Duration.ofSeconds(2));
            assertThat(load.errors()).isEmpty();
            assertThat(load.failed()).isZero();
            assertThat(load.ok()).isGreaterThan(100);
        }
        assertThat(haproxy.masterReloads()).isEqualTo(reloads);
        assertThat(haproxy.workerPid()).isEqualTo(worker);
        assertThat(haproxyStatus().path("reloads").asInt()).isEqualTo(synapseReloads);
    }

    @Test
    void backendsRegisteredAndRemovedWhileRunningAreZoneRoutedThroughTheRuntimeApi() throws Exception {
        register("a1", backends.start("a1"), "zone-a");
        String b1 = register("b1", backends.start("b1"), "zone-b");
        startSynapse();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Traffic.send(port, 4).keySet().equals(Set.of("a1")));
        int reloads = haproxy.masterReloads();
        long worker = haproxy.workerPid();

        register("a2", backends.start("a2"), "zone-a");
        register("b2", backends.start("b2"), "zone-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> servers().keySet().containsAll(Set.of("a2", "b2", "b2+")));
        assertThat(servers()).containsEntry("b2", 0).containsEntry("b2+", 1).containsEntry("a2", 1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Traffic.send(port, 8).keySet().equals(Set.of("a1", "a2")));
        assertThat(Traffic.send(port, 100).keySet()).containsExactlyInAnyOrder("a1", "a2");

        backends.failHealth("a1");
        backends.failHealth("a2");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Traffic.send(port, 8).keySet().equals(Set.of("b1", "b2")));
        assertThat(servers()).containsEntry("b2", 1);

        writer.delete().forPath(b1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !servers().containsKey("b1") && !servers().containsKey("b1+"));
        assertThat(Traffic.send(port, 50).keySet()).containsExactly("b2");
        assertThat(haproxy.masterReloads()).isEqualTo(reloads);
        assertThat(haproxy.workerPid()).isEqualTo(worker);
    }

    /**
     * A hard stop (the port refuses connections) cannot be hidden by the checks alone: until the next
     * check marks the servers down, requests meet refused connections. With HAProxy marking a server
     * down on its first failed connection ({@code observe layer4 error-limit 1 on-error mark-down}) and
     * retrying elsewhere ({@code option redispatch 1}, {@code retries}, {@code retry-on conn-failure
     * empty-response}), the retry finds the backup twins: no request fails.
     */
    @Test
    void withLayer4ObservationAndRedispatchAHardStopOfTheLocalZoneLosesNoRequest() throws Exception {
        for (String name : List.of("a1", "a2", "b1", "b2")) {
            register(name, backends.start(name), "zone-" + name.charAt(0));
        }
        startSynapse(
                " observe layer4 error-limit 1 on-error mark-down",
                ", option redispatch 1, retries 3, retry-on conn-failure empty-response");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> Traffic.send(port, 8).keySet().equals(Set.of("a1", "a2")));
        int reloads = haproxy.masterReloads();
        try (Traffic load = new Traffic(port).start(2, 20_000, Duration.ofSeconds(60))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > 100);
            backends.stop("a1");
            backends.stop("a2");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Traffic.send(port, 8).keySet().equals(Set.of("b1", "b2")));
            long ok = load.ok();
            await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > ok + 200);
            load.close();
            System.out.printf(
                    "zone routing, hard stop of the local zone: load %d ok, %d failed%n", load.ok(), load.failed());
            assertThat(load.errors()).isEmpty();
            assertThat(load.failed()).isZero();
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> zone().path("decision").asText().equals("spill_over"));
        assertThat(haproxy.masterReloads()).isEqualTo(reloads);
    }

    /**
     * The servers of backend {@code web} HAProxy runs, from {@code show servers state}: registration
     * name ({@code +} for a zone backup twin) to the weight in effect.
     */
    private Map<String, Integer> servers() {
        Map<String, Integer> servers = new java.util.TreeMap<>();
        for (String line : haproxy.runtime("show servers state web").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length > 6 && fields[1].equals("web")) {
                String name = fields[3];
                servers.put(
                        name.substring(0, name.indexOf('_')) + (name.endsWith("_zone_backup") ? "+" : ""),
                        Integer.parseInt(fields[7]));
            }
        }
        return servers;
    }

    private long hits(String name) {
        return backends.hits(name);
    }

    /** Waits (bounded) until {@code condition}; the time since {@code startNanos}. */
    private static Duration awaitElapsed(long startNanos, Supplier<Boolean> condition) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(condition::get);
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Registers {@code name} as Nerve does; returns the node's path. */
    private String register(String name, int backendPort, String zone) throws Exception {
        Map<String, Object> registration = new LinkedHashMap<>();
        registration.put("host", "127.0.0.1");
        registration.put("port", backendPort);
        registration.put("name", name);
        registration.put("labels", Map.of("az", zone));
        return writer.create()
                .creatingParentsIfNeeded()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(REGISTRATIONS + "/" + name + "_", JSON.writeValueAsBytes(registration));
    }

    private void startSynapse() throws Exception {
        startSynapse("", "");
    }

    /** Synapse with {@code serverOptions} after the checks and {@code listenLines} (YAML list items, e.g. ", retries 3"). */
    private void startSynapse(String serverOptions, String listenLines) throws Exception {
        Path config = haproxy.directory.resolve("synapse.yaml");
        Files.writeString(
                config,
                """
                services:
                  web:
                    discovery: {method: zookeeper, hosts: ["%s"], path: %s}
                    haproxy:
                      port: %d
                      server_options: check inter %dms rise 1 fall 1%s
                      listen: [mode http, option httpchk GET /health%s]
                admin: {bind: 127.0.0.1, port: 0}
                %s"""
                        .formatted(
                                zookeeper.getConnectString(),
                                REGISTRATIONS,
                                port,
                                CHECK_INTERVAL.toMillis(),
                                serverOptions,
                                listenLines,
                                haproxy.settingsYaml()));
        SynapseConfigLoader loader =
                new SynapseConfigLoader(List.of(new HaproxyGeneratorFactory()), EnvironmentSubstitution.system());
        synapse = new Synapse(
                config,
                loader,
                new Reconciler.Settings(Duration.ofMillis(500), Duration.ofMinutes(5)),
                Clock.systemUTC());
        synapse.start();
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(get("/status"));
    }

    private JsonNode haproxyStatus() throws Exception {
        return status().path("generators").path("haproxy");
    }

    /** {@code services[web].haproxy.zone} of {@code GET /status}. */
    private JsonNode zone() {
        try {
            for (JsonNode service : status().path("services")) {
                if (service.path("name").asText().equals("web")) {
                    return service.path("haproxy").path("zone");
                }
            }
            return JSON.missingNode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertZone(String decision, String reason) {
        JsonNode zone = zone();
        assertThat(zone.path("decision").asText()).as("%s", zone).isEqualTo(decision);
        assertThat(zone.path("local_zone").asText()).isEqualTo("zone-a");
        assertThat(zone.path("local_zone_source").asText()).isEqualTo("local_zone");
        assertThat(zone.path("reason").asText()).contains(reason);
    }

    private String statusPage() throws Exception {
        return get("/");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + synapse.adminPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return response.body();
    }
}
