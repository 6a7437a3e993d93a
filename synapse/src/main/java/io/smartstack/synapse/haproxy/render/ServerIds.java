package io.smartstack.synapse.haproxy.render;

import io.smartstack.synapse.model.Backend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Server ids for one backend (pure), every one within {@code 1..maxServerId} and none given twice.
 * The precedence:
 *
 * <ol>
 *   <li>an id the user asked for: {@code id <n>} in the backend's {@code haproxy_server_options}, else its
 *       {@code haproxy_server_id} (the original's order). Two servers asking for the same id: the one
 *       asking in its options wins, then the one running with that id, then the smaller server name;
 *       the other falls through to the next rules, with a warning. An id outside the range is ignored
 *       with a warning;
 *   <li>the id the server runs with in HAProxy (it cannot change without a reload);
 *   <li>the registry's id (the znode's sequence number), when within the range;
 *   <li>the id remembered for the same server name (an earlier pass, or the installed config);
 *   <li>the smallest id that is neither used nor remembered for another server; else the smallest unused.
 * </ol>
 *
 * Ids of servers that still run but are no longer desired ({@code reserved}, e.g. draining ones) are
 * not handed out by rules 2 to 5, so HAProxy never sees a clash at runtime; an asked-for id may take one
 * (a reload then applies it). A server for which no id is free is left out, with a warning.
 */
public final class ServerIds {
    private ServerIds() {}

    /**
     * The ids and what could not be honoured.
     *
     * @param ids server name to id
     * @param warnings log-ready sentences, one per request that was not honoured
     */
    public record Assignment(Map<String, Integer> ids, List<String> warnings) {}

    /** An id asked for by one server, and where it was asked. */
    private record Request(String server, int id, boolean inOptions) {}

    public static Assignment assign(List<Backend> backends, Sources sources, int maxServerId) {
        List<String> warnings = new ArrayList<>();
        Map<String, Integer> assigned = new LinkedHashMap<>();
        Set<Integer> used = new HashSet<>(sources.reserved());
        for (Request winner :
                requested(backends, sources, maxServerId, warnings).values()) {
            assigned.put(winner.server(), winner.id());
            used.add(winner.id());
        }
        for (Backend backend : backends) {
            take(assigned, used, backend.serverName(), sources.running().get(backend.serverName()), maxServerId);
        }
        for (Backend backend : backends) {
            Integer sequence = backend.id().isPresent() && backend.id().getAsLong() <= maxServerId
                    ? (int) backend.id().getAsLong()
                    : null;
            take(assigned, used, backend.serverName(), sequence, maxServerId);
        }
        for (Backend backend : backends) {
            take(assigned, used, backend.serverName(), sources.remembered().get(backend.serverName()), maxServerId);
        }
        Set<Integer> rememberedForOthers = new HashSet<>(sources.remembered().values());
        for (Backend backend : backends) {
            String name = backend.serverName();
            if (assigned.containsKey(name)) {
                continue;
            }
            int free = smallestFree(used, rememberedForOthers, maxServerId);
            if (free == 0) {
                free = smallestFree(used, Set.of(), maxServerId);
            }
            if (free == 0) {
                warnings.add("no free server id up to max_server_id " + maxServerId + " for server " + name
                        + "; it is left out");
            } else {
                used.add(free);
                assigned.put(name, free);
            }
        }
        return new Assignment(assigned, List.copyOf(warnings));
    }

    /** The id in {@code id <n>} of server options, if any (a malformed one is empty here). */
    public static OptionalInt idInOptions(String options) {
        String[] words = Words.of(options);
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("id")) {
                try {
                    return OptionalInt.of(Integer.parseInt(words[i + 1]));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }

    /** Server options without their {@code id <n>} words (the server line carries the id once). */
    public static String withoutId(String options) {
        List<String> kept = new ArrayList<>();
        String[] words = Words.of(options);
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals("id") && i + 1 < words.length) {
                i++;
            } else if (!words[i].isEmpty()) {
                kept.add(words[i]);
            }
        }
        return String.join(" ", kept);
    }

    /** The winning request of each asked-for id, in id order. */
    private static Map<Integer, Request> requested(
            List<Backend> backends, Sources sources, int maxServerId, List<String> warnings) {
        Map<Integer, List<Request>> byId = new TreeMap<>();
        for (Backend backend : backends) {
            request(backend, maxServerId, warnings)
                    .ifPresent(request -> byId.computeIfAbsent(request.id(), id -> new ArrayList<>())
                            .add(request));
        }
        Map<Integer, Request> winners = new LinkedHashMap<>();
        byId.forEach((id, requests) -> {
            Comparator<Request> order = Comparator.comparing((Request r) -> !r.inOptions())
                    .thenComparing(
                            r -> !Integer.valueOf(id).equals(sources.running().get(r.server())))
                    .thenComparing(Request::server);
            List<Request> sorted = requests.stream().sorted(order).toList();
            Request winner = sorted.get(0);
            winners.put(id, winner);
            for (Request loser : sorted.subList(1, sorted.size())) {
                warnings.add("server " + loser.server() + " asks for id " + id + " (" + where(loser)
                        + ") as does server " + winner.server() + " (" + where(winner) + "), which keeps it; "
                        + loser.server() + " gets another id");
            }
        });
        return winners;
    }

    private static Optional<Request> request(Backend backend, int maxServerId, List<String> warnings) {
        String name = backend.serverName();
        Optional<String> options = backend.haproxyServerOptions();
        boolean inOptions = options.isPresent() && hasIdWord(options.get());
        OptionalInt asked = inOptions ? idInOptions(options.get()) : backend.haproxyServerId();
        String where = inOptions ? "haproxy_server_options" : "haproxy_server_id";
        if (inOptions && asked.isEmpty()) {
            warnings.add("server " + name + " has a malformed id in haproxy_server_options '" + options.get()
                    + "'; it is ignored");
            asked = backend.haproxyServerId();
            inOptions = false;
            where = "haproxy_server_id";
        }
        if (asked.isEmpty()) {
            return Optional.empty();
        }
        int id = asked.getAsInt();
        if (id < 1 || id > maxServerId) {
            warnings.add("server " + name + " asks for id " + id + " (" + where + ") outside 1.." + maxServerId
                    + " (max_server_id); it is ignored");
            return Optional.empty();
        }
        return Optional.of(new Request(name, id, inOptions));
    }

    private static boolean hasIdWord(String options) {
        for (String word : Words.of(options)) {
            if (word.equals("id")) {
                return true;
            }
        }
        return false;
    }

    private static String where(Request request) {
        return request.inOptions() ? "haproxy_server_options" : "haproxy_server_id";
    }

    private static void take(Map<String, Integer> assigned, Set<Integer> used, String name, Integer id, int max) {
        if (id != null && id >= 1 && id <= max && !assigned.containsKey(name) && used.add(id)) {
            assigned.put(name, id);
        }
    }

    private static int smallestFree(Set<Integer> used, Set<Integer> avoided, int max) {
        for (int id = 1; id <= max; id++) {
            if (!used.contains(id) && !avoided.contains(id)) {
                return id;
            }
        }
        return 0;
    }

    /**
     * Where ids come from, besides the backends themselves.
     *
     * @param running server name to the id it has in the running HAProxy
     * @param remembered server name to the id it had before (an earlier pass, the installed config)
     * @param reserved ids held by running servers that are no longer desired
     */
    public record Sources(Map<String, Integer> running, Map<String, Integer> remembered, Set<Integer> reserved) {}
}
