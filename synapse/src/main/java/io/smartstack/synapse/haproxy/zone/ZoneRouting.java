package io.smartstack.synapse.haproxy.zone;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.config.ZoneRoutingReader;
import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings;
import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings.ZoneRule;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.haproxy.render.RememberedIds;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.zone.ZonePolicy.Decision;
import io.smartstack.synapse.haproxy.zone.ZonePolicy.Member;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zone-aware routing on the model, through weights and backup servers only (never a reload). For each
 * zone-routed service, {@link ZonePolicy} decides from HAProxy's view of the servers (its checks); in
 * {@link ZonePolicy.Mode#LOCAL} the servers of other zones get weight 0 (they keep their checks and
 * take no new traffic), in {@link ZonePolicy.Mode#SPILL_OVER} their own weight. Each server of another
 * zone also gets a twin {@code <server>_zone_backup} with {@code backup}: when every local server
 * fails HAProxy's checks before Synapse has re-decided, HAProxy itself sends the traffic to the
 * backups at once, so the switch loses no request; the next decision then gives the other zones
 * their weight back. A server HAProxy does not run yet counts as healthy (HAProxy starts servers up).
 * Servers kept from the state cache are neither counted nor twinned. Runs on the generator's thread.
 */
public final class ZoneRouting {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneRouting.class);
    public static final String BACKUP_SUFFIX = "_zone_backup";

    private final ZoneRoutingSettings settings;
    private final Map<String, Map<String, Integer>> twinIds = new HashMap<>();
    private Map<String, Decision> decisions = Map.of();
    private boolean loggedUnknownZone;

    public ZoneRouting(ZoneRoutingSettings settings) {
        this.settings = settings;
    }

    /** The model with zone weights and backup twins, remembering the decisions (logged when they change). */
    public HaproxyModel apply(HaproxyModel model, DesiredState desired, Optional<RuntimeState> runtime) {
        if (settings.configured() && settings.localZone().isEmpty() && !loggedUnknownZone) {
            loggedUnknownZone = true;
            LOG.warn(
                    "zone_routing: the local zone is unknown (no local_zone, {} unset): zone routing is off",
                    settings.localZoneSource().replace("env ", ""));
        }
        Map<String, Decision> next = decide(model, desired, runtime);
        next.forEach((service, decision) -> {
            Decision before = decisions.get(service);
            if (before == null || before.mode() != decision.mode()) {
                LOG.info("service {}: {}", service, decision.reason());
            }
        });
        decisions = next;
        if (next.isEmpty()) {
            return model;
        }
        List<ServiceModel> services = new ArrayList<>();
        for (ServiceModel service : model.services()) {
            Decision decision = next.get(service.name());
            services.add(decision == null ? service : route(service, decision, desired, runtime));
        }
        return new HaproxyModel(
                model.global(), model.defaults(), model.extraSections(), services, model.sharedFrontend());
    }

    /** The decision of every zone-routed service for this model and runtime view, without changing anything. */
    public Map<String, Decision> decide(HaproxyModel model, DesiredState desired, Optional<RuntimeState> runtime) {
        Map<String, Decision> result = new LinkedHashMap<>();
        if (!settings.active()) {
            return result;
        }
        String local = settings.localZone().get();
        for (ServiceModel service : model.services()) {
            ServiceState state = desired.services().get(service.name());
            ZoneRule rule = rule(state);
            if (state == null || !rule.enabled()) {
                continue;
            }
            Map<String, Optional<String>> zones = zones(state, rule);
            List<Member> members = new ArrayList<>();
            for (ServerModel server : service.servers()) {
                if (!server.disabled()) {
                    members.add(new Member(
                            server.name(),
                            zones.getOrDefault(server.name(), Optional.empty()),
                            healthy(runtime, service.backendName(), server.name())));
                }
            }
            result.put(service.name(), ZonePolicy.decide(local, rule, members));
        }
        return result;
    }

    /** The last decisions, by service. */
    public Map<String, Decision> decisions() {
        return decisions;
    }

    /** The local zone and where it came from, for the status. */
    public ZoneRoutingSettings settings() {
        return settings;
    }

    private ServiceModel route(
            ServiceModel service, Decision decision, DesiredState desired, Optional<RuntimeState> runtime) {
        String local = settings.localZone().get();
        ServiceState state = desired.services().get(service.name());
        Map<String, Optional<String>> zones = zones(state, rule(state));
        List<ServerModel> servers = new ArrayList<>();
        List<ServerModel> twins = new ArrayList<>();
        Map<String, Integer> remembered = twinIds.computeIfAbsent(service.backendName(), k -> RememberedIds.create());
        TwinIds ids = new TwinIds(service, runtime, remembered);
        for (ServerModel server : service.servers()) {
            boolean remote = zones.getOrDefault(server.name(), Optional.empty())
                    .filter(local::equals)
                    .isEmpty();
            if (!remote || server.disabled()) {
                servers.add(server);
                continue;
            }
            servers.add(decision.mode() == ZonePolicy.Mode.LOCAL ? withWeight(server, 0) : server);
            String twin = server.name() + BACKUP_SUFFIX;
            ids.next(twin)
                    .ifPresent(id -> twins.add(new ServerModel(
                            twin,
                            server.host(),
                            server.port(),
                            id,
                            Optional.empty(),
                            (server.options() + " backup").trim(),
                            server.weight(),
                            false,
                            server.origin())));
        }
        servers.addAll(twins);
        RememberedIds.trim(remembered, twins.size());
        return new ServiceModel(
                service.name(),
                service.frontend(),
                service.backendName(),
                service.backendLines(),
                servers,
                service.acceptsDynamicServers());
    }

    private ZoneRule rule(ServiceState state) {
        JsonNode section = state == null ? null : state.generatorConfig().get("haproxy");
        if (section == null || section.get("zone_routing") == null) {
            return settings.rule();
        }
        ConfigProblems problems = new ConfigProblems();
        ZoneRule rule = ZoneRoutingReader.readService(
                ConfigDocument.of(section, "services." + state.name() + ".haproxy")
                        .root(problems)
                        .child("zone_routing"),
                settings.rule());
        return problems.isEmpty() ? rule : settings.rule();
    }

    private static Map<String, Optional<String>> zones(ServiceState state, ZoneRule rule) {
        Map<String, Optional<String>> zones = new HashMap<>();
        for (Backend backend : state.backends()) {
            zones.put(backend.serverName(), Optional.ofNullable(backend.labels().get(rule.label())));
        }
        return zones;
    }

    /** Up in HAProxy's view (running or starting, not in maintenance or drain); not yet running counts as up. */
    private static boolean healthy(Optional<RuntimeState> runtime, String backend, String server) {
        if (runtime.isEmpty()) {
            return true;
        }
        RuntimeServer running = runtime.get().serversOf(backend).get(server);
        if (running == null) {
            return true;
        }
        return running.adminState() == AdminState.READY
                && (running.operationalState() == 1 || running.operationalState() == 2);
    }

    private static ServerModel withWeight(ServerModel server, int weight) {
        return new ServerModel(
                server.name(),
                server.host(),
                server.port(),
                server.id(),
                server.cookie(),
                server.options(),
                OptionalInt.of(weight),
                server.disabled(),
                server.origin());
    }
}
