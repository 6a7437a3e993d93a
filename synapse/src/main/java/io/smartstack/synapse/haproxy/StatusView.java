package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.runtime.ServerStats;
import io.smartstack.synapse.haproxy.zone.ZoneRouting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the per-service part of {@code status()}: each server as desired merged with HAProxy's view (pure). */
final class StatusView {
    private StatusView() {}

    static Map<String, Object> services(HaproxyModel model, Optional<RuntimeState> runtime) {
        Map<String, Object> services = new LinkedHashMap<>();
        for (ServiceModel service : model.services()) {
            List<Map<String, Object>> servers = new ArrayList<>();
            for (ServerModel server : service.servers()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", server.name());
                entry.put("address", server.address());
                entry.put("id", server.id());
                entry.put("origin", server.origin().name());
                entry.put("desired", server.disabled() ? "maint" : "ready");
                if (server.name().endsWith(ZoneRouting.BACKUP_SUFFIX)) {
                    entry.put("role", "zone_backup");
                }
                Optional<RuntimeServer> running = runtime.map(
                        state -> state.serversOf(service.backendName()).get(server.name()));
                Optional<ServerStats> stats =
                        runtime.flatMap(state -> state.statsOf(service.backendName(), server.name()));
                entry.put("state", running.map(RuntimeServer::describe).orElse("absent"));
                entry.put("weight", running.map(RuntimeServer::userWeight).orElse(server.effectiveWeight()));
                entry.put(
                        "currentSessions",
                        stats.map(ServerStats::currentSessions).orElse(0L));
                entry.put("totalSessions", stats.map(ServerStats::totalSessions).orElse(0L));
                entry.put("lastCheck", stats.map(ServerStats::lastCheck).orElse(""));
                entry.put("haproxyStatus", stats.map(ServerStats::status).orElse(""));
                servers.add(entry);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("backend", service.backendName());
            entry.put(
                    "inHaproxy",
                    runtime.map(state -> state.backends().contains(service.backendName()))
                            .orElse(false));
            entry.put("servers", servers);
            services.put(service.name(), entry);
        }
        return services;
    }

    /** Service name to HAProxy state to the number of servers in it, from {@link #services}. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Long>> countByState(Map<String, Object> services) {
        Map<String, Map<String, Long>> counts = new java.util.TreeMap<>();
        services.forEach((service, entry) -> {
            Map<String, Long> byState = new java.util.TreeMap<>();
            for (String state : List.of("up", "down", "drain", "maint", "absent")) {
                byState.put(state, 0L);
            }
            for (Map<String, Object> server :
                    (List<Map<String, Object>>) ((Map<String, Object>) entry).get("servers")) {
                if (!"zone_backup".equals(server.get("role"))) {
                    byState.merge(String.valueOf(server.get("state")), 1L, Long::sum);
                }
            }
            counts.put(service, byState);
        });
        return counts;
    }
}
