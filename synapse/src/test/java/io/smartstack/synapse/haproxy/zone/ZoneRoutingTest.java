package io.smartstack.synapse.haproxy.zone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings;
import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings.ZoneRule;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.zone.ZonePolicy.Mode;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Zone routing on the model: weights of the other zones, their backup twins, and what counts as healthy. */
class ZoneRoutingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneRoutingSettings LOCAL_A = new ZoneRoutingSettings(
            true, Optional.of("a"), "local_zone", new ZoneRule(true, "az", 1, 0), Duration.ofMillis(500));

    /** a1, a2 in zone a; b1 (weight 7), b2 in zone b; n1 without a zone label. Ids 1..5. */
    private static final List<Backend> BACKENDS = List.of(
            backend("a1", 1, "a"),
            backend("a2", 2, "a"),
            backend("b1", 3, "b"),
            backend("b2", 4, "b"),
            backend("n1", 5, null));

    private static Backend backend(String name, int port, String zone) {
        return new Backend(
                "127.0.0.1",
                port,
                name,
                OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                zone == null ? Map.of() : Map.of("az", zone),
                BackendOrigin.REGISTRY);
    }

    private static ServerModel server(Backend backend, int id) {
        return new ServerModel(
                backend.serverName(),
                backend.host(),
                backend.port(),
                id,
                Optional.empty(),
                "check",
                backend.name().equals("b1") ? OptionalInt.of(7) : OptionalInt.empty(),
                backend.origin() == BackendOrigin.STATE_CACHE,
                backend.origin());
    }

    private static HaproxyModel model(List<Backend> backends) {
        List<ServerModel> servers = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            servers.add(server(backends.get(i), i + 1));
        }
        return new HaproxyModel(
                List.of(),
                List.of(),
                List.of(),
                List.of(new ServiceModel("web", Optional.empty(), "web", List.of(), servers, true)),
                Optional.empty());
    }

    private static DesiredState desired(List<Backend> backends, String haproxyJson) throws Exception {
        Map<String, JsonNode> config = haproxyJson == null ? Map.of() : Map.of("haproxy", JSON.readTree(haproxyJson));
        return DesiredState.of(List.of(new ServiceState("web", backends, config)));
    }

    /** The running servers: {@code name -> op state} (2 running, 0 down) with admin flags 0 unless given. */
    private static RuntimeState running(Map<String, int[]> states) {
        List<RuntimeServer> servers = new ArrayList<>();
        int id = 1;
        for (Backend backend : BACKENDS) {
            int[] state = states.getOrDefault(backend.name(), new int[] {2, 0});
            servers.add(new RuntimeServer(
                    "web", id++, backend.serverName(), "127.0.0.1", backend.port(), state[0], state[1], 1));
        }
        return RuntimeState.of(Set.of("web"), servers, Map.of());
    }

    private static Map<String, ServerModel> byName(HaproxyModel model) {
        return model.services().get(0).servers().stream()
                .collect(Collectors.toMap(
                        s -> s.name().substring(0, s.name().indexOf('_'))
                                + (s.name().endsWith(ZoneRouting.BACKUP_SUFFIX) ? "+" : ""),
                        s -> s));
    }

    @Test
    void keepsTrafficLocalWithOtherZonesAtWeightZeroAndTheirTwinsAsBackups() throws Exception {
        ZoneRouting routing = new ZoneRouting(LOCAL_A);
        HaproxyModel routed = routing.apply(model(BACKENDS), desired(BACKENDS, null), Optional.empty());

        Map<String, ServerModel> servers = byName(routed);
        assertThat(servers.keySet()).containsExactlyInAnyOrder("a1", "a2", "b1", "b2", "n1", "b1+", "b2+", "n1+");
        assertThat(servers.get("a1").weight()).isEmpty();
        assertThat(servers.get("a1").options()).isEqualTo("check");
        assertThat(servers.get("b1").weight()).hasValue(0);
        assertThat(servers.get("n1").weight()).as("no zone label: another zone").hasValue(0);
        ServerModel twin = servers.get("b1+");
        assertThat(twin.name()).isEqualTo("b1_127.0.0.1:3_zone_backup");
        assertThat(twin.options()).isEqualTo("check backup");
        assertThat(twin.weight()).as("the twin has the server's own weight").hasValue(7);
        assertThat(twin.port()).isEqualTo(3);
        assertThat(servers.values().stream().map(ServerModel::id).distinct().count())
                .as("every id unique")
                .isEqualTo(8);
        assertThat(routing.decisions().get("web").mode()).isEqualTo(Mode.LOCAL);
        assertThat(routing.decisions().get("web").reason())
                .isEqualTo("2 of 2 servers in zone a healthy, 5 of 5 in all zones: traffic stays in zone a");
    }

    @Test
    void spillsOverWhenTheLocalServersFailHaproxysChecksGivingOtherZonesTheirWeightBack() throws Exception {
        ZoneRouting routing = new ZoneRouting(LOCAL_A);
        RuntimeState down = running(Map.of("a1", new int[] {0, 0}, "a2", new int[] {0, 0}));
        HaproxyModel routed = routing.apply(model(BACKENDS), desired(BACKENDS, null), Optional.of(down));

        Map<String, ServerModel> servers = byName(routed);
        assertThat(servers.get("b1").weight()).hasValue(7);
        assertThat(servers.get("b2").weight()).isEmpty();
        assertThat(servers).containsKeys("b1+", "b2+", "n1+");
        assertThat(routing.decisions().get("web").mode()).isEqualTo(Mode.SPILL_OVER);
        assertThat(routing.decisions().get("web").localHealthy()).isZero();
        assertThat(routing.decisions().get("web").healthy()).isEqualTo(3);
    }

    @ParameterizedTest(name = "local servers with op state {0} and admin flags {1}: {2}")
    @CsvSource({
        "2, 0, LOCAL", // running
        "1, 0, LOCAL", // starting
        "0, 0, SPILL_OVER", // down: failing HAProxy's checks
        "3, 0, SPILL_OVER", // stopping
        "2, 1, SPILL_OVER", // forced maintenance
        "2, 8, SPILL_OVER", // forced drain
    })
    void healthyIsHaproxysViewReadyAndRunningOrStarting(int operational, int adminFlags, Mode expected)
            throws Exception {
        int[] state = {operational, adminFlags};
        RuntimeState runtime = running(Map.of("a1", state, "a2", state));
        Map<String, ZonePolicy.Decision> decisions =
                new ZoneRouting(LOCAL_A).decide(model(BACKENDS), desired(BACKENDS, null), Optional.of(runtime));
        assertThat(decisions.get("web").mode()).isEqualTo(expected);
    }

    @Test
    void aServerHaproxyDoesNotRunYetCountsAsHealthy() throws Exception {
        List<Backend> withNew = new ArrayList<>(BACKENDS);
        withNew.add(backend("a3", 6, "a"));
        RuntimeState down = running(Map.of("a1", new int[] {0, 0}, "a2", new int[] {0, 0}));
        var decision = new ZoneRouting(LOCAL_A)
                .decide(model(withNew), desired(withNew, null), Optional.of(down))
                .get("web");
        assertThat(decision.mode()).isEqualTo(Mode.LOCAL);
        assertThat(decision.localHealthy()).isEqualTo(1);
        assertThat(decision.localTotal()).isEqualTo(3);
    }

    @Test
    void serversKeptFromTheStateCacheAreNeitherCountedNorTwinned() throws Exception {
        List<Backend> backends = new ArrayList<>(BACKENDS);
        backends.add(backend("b3", 6, "b").withOrigin(BackendOrigin.STATE_CACHE));
        ZoneRouting routing = new ZoneRouting(LOCAL_A);
        Map<String, ServerModel> servers =
                byName(routing.apply(model(backends), desired(backends, null), Optional.empty()));
        assertThat(servers).containsKey("b3").doesNotContainKey("b3+");
        assertThat(servers.get("b3").weight()).as("left as it is").isEmpty();
        assertThat(servers.get("b3").disabled()).isTrue();
        assertThat(routing.decisions().get("web").total()).isEqualTo(5);
    }

    @Test
    void aServiceRuleOverridesTheTopLevelOneAndFalseTurnsRoutingOff() throws Exception {
        ZoneRouting routing = new ZoneRouting(LOCAL_A);
        var strict = routing.decide(
                model(BACKENDS), desired(BACKENDS, "{\"zone_routing\": {\"min_healthy\": 3}}"), Optional.empty());
        assertThat(strict.get("web").mode()).isEqualTo(Mode.SPILL_OVER);
        assertThat(strict.get("web").reason()).contains("fewer than min_healthy 3");

        HaproxyModel model = model(BACKENDS);
        HaproxyModel off = routing.apply(model, desired(BACKENDS, "{\"zone_routing\": false}"), Optional.empty());
        assertThat(off).isEqualTo(model);
        assertThat(routing.decisions()).isEmpty();
    }

    @Test
    void aServiceRuleCanReadAnotherLabel() throws Exception {
        List<Backend> backends = List.of(
                new Backend(
                        "127.0.0.1",
                        1,
                        "r1",
                        OptionalLong.empty(),
                        OptionalInt.empty(),
                        Optional.empty(),
                        Map.of("az", "b", "rack", "a"),
                        BackendOrigin.REGISTRY),
                backend("b1", 3, "b"));
        var decision = new ZoneRouting(LOCAL_A)
                .decide(
                        model(backends),
                        desired(backends, "{\"zone_routing\": {\"label\": \"rack\"}}"),
                        Optional.empty())
                .get("web");
        assertThat(decision.localTotal()).isEqualTo(1);
        assertThat(decision.mode()).isEqualTo(Mode.LOCAL);
    }

    @Test
    void anUnknownLocalZoneLeavesTheModelAsItIs() throws Exception {
        ZoneRoutingSettings unknown = new ZoneRoutingSettings(
                true, Optional.empty(), "env SMARTSTACK_ZONE", LOCAL_A.rule(), Duration.ofMillis(500));
        ZoneRouting routing = new ZoneRouting(unknown);
        HaproxyModel model = model(BACKENDS);
        assertThat(routing.apply(model, desired(BACKENDS, null), Optional.empty()))
                .isEqualTo(model);
        assertThat(routing.decisions()).isEmpty();
    }

    @Test
    void twinsKeepTheirIdsFromOnePassToTheNext() throws Exception {
        ZoneRouting routing = new ZoneRouting(LOCAL_A);
        Map<String, ServerModel> first =
                byName(routing.apply(model(BACKENDS), desired(BACKENDS, null), Optional.empty()));
        RuntimeState down = running(Map.of("a1", new int[] {0, 0}, "a2", new int[] {0, 0}));
        Map<String, ServerModel> second =
                byName(routing.apply(model(BACKENDS), desired(BACKENDS, null), Optional.of(down)));
        for (String twin : List.of("b1+", "b2+", "n1+")) {
            assertThat(second.get(twin).id()).as(twin).isEqualTo(first.get(twin).id());
        }
    }
}
