package io.smartstack.synapse.haproxy.zone;

import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Server ids of one backend's backup twins: the id a twin runs with, else the one it had before, else
 * the smallest id no server of the model and no running server holds (HAProxy refuses duplicates).
 */
final class TwinIds {
    private static final int MAX_ID = 65535;
    private final Map<String, Integer> running = new java.util.HashMap<>();
    private final Map<String, Integer> remembered;
    private final Set<Integer> used = new HashSet<>();

    TwinIds(ServiceModel service, Optional<RuntimeState> runtime, Map<String, Integer> remembered) {
        this.remembered = remembered;
        service.servers().stream().map(ServerModel::id).forEach(used::add);
        runtime.ifPresent(state -> {
            for (RuntimeServer server : state.serversOf(service.backendName()).values()) {
                running.put(server.name(), server.id());
                if (!server.name().endsWith(ZoneRouting.BACKUP_SUFFIX)) {
                    used.add(server.id());
                }
            }
        });
        // a running twin's id is its own; no other twin may take it
        running.forEach((name, id) -> {
            if (name.endsWith(ZoneRouting.BACKUP_SUFFIX)) {
                used.add(id);
            }
        });
    }

    Optional<Integer> next(String twin) {
        Integer id = running.get(twin);
        if (id != null && !primaryHolds(id, twin)) {
            remembered.put(twin, id);
            return Optional.of(id);
        }
        Integer before = remembered.get(twin);
        if (before != null && used.add(before)) {
            return Optional.of(before);
        }
        for (int candidate = 1; candidate <= MAX_ID; candidate++) {
            if (used.add(candidate)) {
                remembered.put(twin, candidate);
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether a server other than {@code twin}, running or in the model, has {@code id}. */
    private boolean primaryHolds(int id, String twin) {
        return running.entrySet().stream()
                .anyMatch(entry -> entry.getValue() == id && !entry.getKey().equals(twin));
    }
}
