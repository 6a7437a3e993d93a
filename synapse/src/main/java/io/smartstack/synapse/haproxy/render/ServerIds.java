package io.smartstack.synapse.haproxy.render;

import io.smartstack.synapse.model.Backend;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stable server ids for one backend. A server already running in HAProxy keeps its id (HAProxy cannot
 * change it). Otherwise the precedence is: the id from the registry; else the id remembered for the
 * same server name; else the smallest id not in use, up to {@code maxServerId}. Ids held by servers
 * that still run but are no longer desired ({@code reserved}, e.g. draining ones) are never handed
 * out, so HAProxy never sees a clash.
 */
public final class ServerIds {
    private ServerIds() {}

    /**
     * @return server name to id; a server for which no id is free is missing from the result
     */
    public static Map<String, Integer> assign(List<Backend> backends, Sources sources, int maxServerId) {
        Map<String, Integer> remembered = sources.remembered();
        Map<String, Integer> assigned = new LinkedHashMap<>();
        Set<Integer> used = new HashSet<>(sources.reserved());
        for (Backend backend : backends) {
            Integer running = sources.running().get(backend.serverName());
            if (running != null && used.add(running)) {
                assigned.put(backend.serverName(), running);
            }
        }
        for (Backend backend : backends) {
            if (assigned.containsKey(backend.serverName())) {
                continue;
            }
            if (backend.id().isPresent()) {
                long id = backend.id().getAsLong();
                if (id >= 1 && id <= Integer.MAX_VALUE && used.add((int) id)) {
                    assigned.put(backend.serverName(), (int) id);
                }
            }
        }
        for (Backend backend : backends) {
            String name = backend.serverName();
            Integer id = remembered.get(name);
            if (!assigned.containsKey(name) && id != null && used.add(id)) {
                assigned.put(name, id);
            }
        }
        Set<Integer> rememberedForOthers = new HashSet<>(remembered.values());
        int next = 1;
        for (Backend backend : backends) {
            String name = backend.serverName();
            if (assigned.containsKey(name)) {
                continue;
            }
            while (next <= maxServerId && (used.contains(next) || rememberedForOthers.contains(next))) {
                next++;
            }
            if (next > maxServerId) {
                next = 1;
                while (next <= maxServerId && used.contains(next)) {
                    next++;
                }
            }
            if (next <= maxServerId) {
                used.add(next);
                assigned.put(name, next);
            }
        }
        return assigned;
    }

    /**
     * Where ids come from, besides the registry.
     *
     * @param running server name to the id it has in the running HAProxy
     * @param remembered server name to the id it had before (in an earlier config)
     * @param reserved ids held by running servers that are no longer desired
     */
    public record Sources(Map<String, Integer> running, Map<String, Integer> remembered, Set<Integer> reserved) {}
}
