package io.smartstack.synapse.haproxy.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one running HAProxy has, read from it (never assumed): its backends, their servers, and the
 * servers' session counters when they were read.
 *
 * @param backends names of every backend
 * @param servers backend to server name to server
 * @param stats backend to server name to counters; empty when not read
 */
public record RuntimeState(
        Set<String> backends,
        Map<String, Map<String, RuntimeServer>> servers,
        Map<String, Map<String, ServerStats>> stats) {

    public RuntimeState {
        backends = Set.copyOf(backends);
        servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        stats = Map.copyOf(stats);
    }

    public static RuntimeState of(
            Set<String> backends, List<RuntimeServer> serverList, Map<String, Map<String, ServerStats>> stats) {
        Map<String, Map<String, RuntimeServer>> servers = new LinkedHashMap<>();
        for (RuntimeServer server : serverList) {
            servers.computeIfAbsent(server.backend(), key -> new LinkedHashMap<>())
                    .put(server.name(), server);
        }
        return new RuntimeState(backends, servers, stats);
    }

    public Map<String, RuntimeServer> serversOf(String backend) {
        return servers.getOrDefault(backend, Map.of());
    }

    public Optional<ServerStats> statsOf(String backend, String server) {
        return Optional.ofNullable(stats.getOrDefault(backend, Map.of()).get(server));
    }

    /** True when some server is draining: its session counts are then needed to finish the drain. */
    public boolean anyDraining() {
        return servers.values().stream()
                .flatMap(byName -> byName.values().stream())
                .anyMatch(server -> server.adminState() == RuntimeCommand.AdminState.DRAIN);
    }
}
