package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.it.support.ManagedHaproxy;
import io.smartstack.it.support.PrometheusText;
import io.smartstack.it.support.SharedZooKeeperStackTest;
import io.smartstack.it.support.Stack.NerveTiming;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.it.support.Traffic;
import io.smartstack.it.support.WebStack;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.HeadlessChromium;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of a running Synapse (bin/synapse with a managed HAProxy, instances registered
 * by bin/nerve): the status page in a real browser, GET /status field by field, GET /metrics as
 * Prometheus text whose counters move when backends change.
 */
class SynapseIntrospectionTest extends SharedZooKeeperStackTest {
    private static final Duration ROUTED = Duration.ofSeconds(30);
    /** HAProxy's own health check, much faster than Nerve's (below), so a failing /health shows as down first. */
    /** HAProxy's last check status: a passed layer-7 check, marked {@code * } while the next one runs. */
    private static final String LAST_CHECK_OK = "(\\* )?L7OK";

    private static final String HAPROXY_CHECKS = "check inter 300ms fall 1 rise 1";

    private WebStack web;

    @BeforeEach
    void newWebStack() {
        web = new WebStack(stack);
    }

    @Test
    void statusPageInABrowserShowsTheServiceItsBackendsAndOneTurningDown() throws Exception {
        NerveTiming slowNerve = NerveTiming.FAST.withFall(8, Duration.ofSeconds(1));
        SynapseProcess synapse = web.startSynapse(HAPROXY_CHECKS);
        WebStack.Instance failing = web.addInstance("web-1", slowNerve);
        WebStack.Instance healthy = web.addInstance("web-2", slowNerve);
        awaitAnswering("web-1", "web-2");
        await().atMost(ROUTED).until(() -> haproxyStates(synapse).equals(List.of("up", "up")));

        String page = HeadlessChromium.render(synapse.adminUrl() + "/", temp.resolve("browser"));
        assertThat(page).contains("<title>Synapse status</title>").contains("<h3 id=\"service-web\">web");
        assertThat(page).contains("(2 backends, zookeeper, discovered)");
        assertThat(row(page, failing)).as(page).containsExactly("up", "registry", "up");
        assertThat(row(page, healthy)).as(page).containsExactly("up", "registry", "up");
        assertThat(page)
                .containsPattern(
                        "<tr class=\"connected\"><td>zookeeper:" + zooKeeper().connectString());

        failing.service().failHealth();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> haproxyStates(synapse).equals(List.of("down", "up")));
        String down = HeadlessChromium.render(synapse.adminUrl() + "/", temp.resolve("browser"));
        assertThat(row(down, failing))
                .as("HAProxy's check marks it down before Nerve deregisters it: %s", down)
                .containsExactly("down", "registry", "down");
        assertThat(row(down, healthy)).containsExactly("up", "registry", "up");

        await().atMost(ROUTED)
                .until(() -> synapse.backendNames(WebStack.SERVICE).equals(List.of("web-2")));
        String gone = HeadlessChromium.render(synapse.adminUrl() + "/", temp.resolve("browser"));
        assertThat(row(gone, failing))
                .as("Nerve deregistered it: the row is gone: %s", gone)
                .isEmpty();
        assertThat(gone).contains("(1 backends, zookeeper, discovered)");
        assertThat(row(gone, healthy)).containsExactly("up", "registry", "up");
    }

    @Test
    void statusJsonDescribesServicesBackendsHaproxyRegistryAndReloads() throws Exception {
        SynapseProcess synapse = web.startSynapse(HAPROXY_CHECKS);
        WebStack.Instance one = web.addInstance("web-1", NerveTiming.FAST, "labels: {az: zone-a}");
        WebStack.Instance two = web.addInstance("web-2", NerveTiming.FAST, "labels: {az: zone-b}");
        awaitAnswering("web-1", "web-2");
        await().atMost(ROUTED).until(() -> haproxyStates(synapse).equals(List.of("up", "up")));
        await().atMost(ROUTED).until(() -> synapse.backends(WebStack.SERVICE).stream()
                .allMatch(b -> b.path("haproxy").path("lastCheck").asText().matches(LAST_CHECK_OK)));
        Traffic.spread(web.url(), 10);

        JsonNode status = synapse.status();
        assertThat(status.path("ready").asBoolean()).isTrue();
        assertThat(Instant.parse(status.path("started_at").asText())).isBefore(Instant.now());
        assertThat(Instant.parse(status.path("last_change").asText()))
                .isAfterOrEqualTo(Instant.parse(status.path("started_at").asText()));
        assertThat(status.path("applies").asInt()).isPositive();
        JsonNode registry =
                status.path("registries").path("zookeeper:" + zooKeeper().connectString());
        assertThat(registry.path("state").asText()).isEqualTo("connected");
        assertThat(Instant.parse(registry.path("since").asText())).isBefore(Instant.now());

        assertThat(status.path("services")).hasSize(1);
        JsonNode service = status.path("services").get(0);
        assertThat(service.path("name").asText()).isEqualTo("web");
        assertThat(service.path("discovery").asText()).isEqualTo("zookeeper");
        assertThat(service.path("selection").asText()).isEqualTo("discovered");
        assertThat(service.path("counts").path("registry").asInt()).isEqualTo(2);
        assertThat(service.path("counts").path("default_servers").asInt()).isZero();
        assertThat(service.path("haproxy").path("backend").asText()).isEqualTo("web");
        assertThat(service.path("haproxy").path("inHaproxy").asBoolean()).isTrue();
        long totalSessions = 0;
        for (WebStack.Instance instance : List.of(one, two)) {
            JsonNode backend = backend(service, instance.name());
            String serverName =
                    instance.name() + "_127.0.0.1:" + instance.service().port();
            assertThat(backend.path("host").asText()).isEqualTo("127.0.0.1");
            assertThat(backend.path("port").asInt())
                    .isEqualTo(instance.service().port());
            assertThat(backend.path("server_name").asText()).isEqualTo(serverName);
            assertThat(backend.path("origin").asText()).isEqualTo("registry");
            assertThat(backend.path("id").isIntegralNumber())
                    .as(backend.toString())
                    .isTrue();
            assertThat(backend.path("labels").path("az").asText()).isEqualTo(instance == one ? "zone-a" : "zone-b");
            JsonNode haproxy = backend.path("haproxy");
            assertThat(haproxy.path("name").asText()).isEqualTo(serverName);
            assertThat(haproxy.path("address").asText())
                    .isEqualTo("127.0.0.1:" + instance.service().port());
            assertThat(haproxy.path("state").asText()).isEqualTo("up");
            assertThat(haproxy.path("desired").asText()).isEqualTo("ready");
            assertThat(haproxy.path("haproxyStatus").asText()).isEqualTo("UP");
            assertThat(haproxy.path("lastCheck").asText()).matches(LAST_CHECK_OK);
            totalSessions += haproxy.path("totalSessions").asLong();
        }
        assertThat(totalSessions).as("requests served, from HAProxy").isGreaterThanOrEqualTo(10);

        JsonNode generator = status.path("generators").path("haproxy");
        assertThat(generator.path("reloads").asInt()).isZero();
        assertThat(generator.path("lastReloads")).isEmpty();
        assertThat(generator.path("dynamicServers").asBoolean()).isTrue();
        assertThat(generator.path("restarts").asInt()).isZero();
        assertThat(generator.path("configCheckFailure").asText()).isEmpty();
        assertThat(generator.path("masterPid").asLong())
                .isEqualTo(ManagedHaproxy.masterPid(synapse.haproxyPidFile()).orElseThrow());

        // A new service needs a reload: its count and reason show up.
        int apiPort = FreePorts.next();
        String config = Files.readString(synapse.config());
        Files.writeString(
                synapse.config(),
                config.replace(
                        "services:\n",
                        "services:\n  api:\n    discovery: " + stack.discovery("api") + "\n    haproxy: {port: "
                                + apiPort + ", bind_address: 127.0.0.1}\n"));
        synapse.hangUp();
        await().atMost(ROUTED)
                .until(() -> synapse.haproxyStatus().path("reloads").asInt() == 1);
        JsonNode reload = synapse.haproxyStatus().path("lastReloads").get(0);
        assertThat(reload.path("reasons").toString()).contains("api");
        assertThat(reload.path("result").asText()).isNotEmpty();
        assertThat(Instant.parse(reload.path("at").asText())).isBefore(Instant.now());
        assertThat(synapse.status().path("services")).hasSize(2);
        assertThat(Traffic.spread(web.url(), 10)).containsOnlyKeys("web-1", "web-2");
    }

    @Test
    void metricsAreValidPrometheusTextAndCountersMoveWhenBackendsChange() {
        SynapseProcess synapse = web.startSynapse("");
        web.addInstance("web-1", NerveTiming.FAST);
        awaitAnswering("web-1");

        PrometheusText.Document before = PrometheusText.parse(synapse.metricsText());
        assertThat(before.types())
                .containsEntry("synapse_registry_events_total", "counter")
                .containsEntry("synapse_haproxy_runtime_commands_total", "counter")
                .containsEntry("synapse_backends", "gauge")
                .containsEntry("synapse_propagation_seconds", "histogram")
                .containsEntry("synapse_registry_connected", "gauge");
        Map<String, String> web = Map.of("service", WebStack.SERVICE);
        assertThat(before.sum("synapse_backends", Map.of("service", "web", "origin", "registry")))
                .isEqualTo(1);
        assertThat(before.sum("synapse_registry_connected", Map.of())).isEqualTo(1);
        double events = before.sum("synapse_registry_events_total", web);
        double sent = before.sum("synapse_haproxy_runtime_commands_total", Map.of("outcome", "sent"));
        double propagations = before.sum("synapse_propagation_seconds_count", Map.of());
        assertThat(events).isPositive();

        this.web.addInstance("web-2", NerveTiming.FAST);
        awaitAnswering("web-1", "web-2");
        await().atMost(ROUTED).untilAsserted(() -> {
            PrometheusText.Document after = PrometheusText.parse(synapse.metricsText());
            assertThat(after.sum("synapse_backends", Map.of("service", "web", "origin", "registry")))
                    .isEqualTo(2);
            assertThat(after.sum("synapse_registry_events_total", web)).isGreaterThan(events);
            assertThat(after.sum("synapse_haproxy_runtime_commands_total", Map.of("outcome", "sent")))
                    .as("add server and friends went through the runtime API")
                    .isGreaterThan(sent);
            assertThat(after.sum("synapse_haproxy_runtime_commands_total", Map.of("outcome", "failed")))
                    .isZero();
            assertThat(after.sum("synapse_propagation_seconds_count", Map.of())).isGreaterThan(propagations);
            assertThat(after.sum("synapse_haproxy_reloads_total", Map.of())).isZero();
            assertThat(after.sum("synapse_haproxy_servers", Map.of("service", "web", "state", "up")))
                    .as("servers by HAProxy state, refreshed every 5 s")
                    .isEqualTo(2);
            assertThat(after.sum("synapse_haproxy_servers", Map.of("service", "web", "state", "down")))
                    .isZero();
        });
    }

    /** The status page row of {@code instance}: its class, origin cell and state cell; empty when absent. */
    private static List<String> row(String page, WebStack.Instance instance) {
        String server = Pattern.quote(
                instance.name() + "_127.0.0.1:" + instance.service().port());
        Matcher matcher = Pattern.compile("<tr class=\"([^\"]*)\"><td>" + server
                        + "</td><td>[^<]*</td><td>\\d+</td><td>([^<]*)</td><td>([^<]*)</td>")
                .matcher(page);
        List<String> cells = new ArrayList<>();
        if (matcher.find()) {
            cells.add(matcher.group(1));
            cells.add(matcher.group(2));
            cells.add(matcher.group(3));
        }
        return cells;
    }

    /** HAProxy's state of each backend of {@code web}, by registration name, as /status reports it. */
    private static List<String> haproxyStates(SynapseProcess synapse) {
        return synapse.backends(WebStack.SERVICE).stream()
                .sorted(java.util.Comparator.comparing(b -> b.path("name").asText()))
                .map(b -> b.path("haproxy").path("state").asText("none"))
                .toList();
    }

    private static JsonNode backend(JsonNode service, String name) {
        for (JsonNode backend : service.path("backends")) {
            if (backend.path("name").asText().equals(name)) {
                return backend;
            }
        }
        throw new AssertionError("no backend " + name + " in " + service);
    }

    private void awaitAnswering(String... instances) {
        web.awaitAnswering(ROUTED, instances);
    }
}
