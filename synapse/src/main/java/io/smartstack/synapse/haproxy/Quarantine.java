package io.smartstack.synapse.haproxy;

import io.smartstack.common.registration.RegistrationRules;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.ServerModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers HAProxy refused: a server line that makes the candidate config fail its check (found from
 * the {@code [file:LINE]} HAProxy names in its alerts), or a server whose {@code add server} HAProxy
 * refused. Such a server is left out of every later config and runtime change, so one bad registration
 * never blocks another backend or service, and is listed as rejected (reason {@code haproxy}) until its
 * registration changes or goes. A server is identified by backend, name and its whole line, so a fixed
 * registration (same name, other options) is tried again. Thread-safe: the config writer thread adds,
 * the reconciliation thread reads.
 */
final class Quarantine {
    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
    private static final Pattern ALERT_LINE = Pattern.compile("\\[[^\\]\\n]*:(\\d+)\\]");
    /** Rounds of "remove what HAProxy named, check again" for one candidate. */
    static final int MAX_ROUNDS = 16;

    record Key(String backend, String server, String line) {}

    record Entry(String service, String reason) {}

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final HaproxyMetrics metrics;
    private volatile HaproxyModel model;

    Quarantine(HaproxyMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The model without quarantined servers; forgets quarantined servers {@code full} no longer holds.
     * Remembers {@code full} to map config lines back to servers.
     */
    HaproxyModel apply(HaproxyModel full) {
        model = full;
        Set<Key> present = new HashSet<>();
        full.services().forEach(s -> s.servers().forEach(server -> present.add(key(s, server))));
        entries.keySet().retainAll(present);
        if (entries.isEmpty()) {
            return full;
        }
        List<HaproxyModel.ServiceModel> services = new ArrayList<>();
        for (HaproxyModel.ServiceModel service : full.services()) {
            List<ServerModel> kept = service.servers().stream()
                    .filter(server -> !entries.containsKey(key(service, server)))
                    .toList();
            services.add(new HaproxyModel.ServiceModel(
                    service.name(),
                    service.frontend(),
                    service.backendName(),
                    service.backendLines(),
                    kept,
                    service.acceptsDynamicServers()));
        }
        return new HaproxyModel(full.global(), full.defaults(), full.extraSections(), services, full.sharedFrontend());
    }

    /**
     * Remembers {@code full} as the model servers are looked up in (a pass over some services, made
     * only while nothing is quarantined), so that an {@code add server} it sends and HAProxy refuses
     * is found and quarantined.
     */
    void remember(HaproxyModel full) {
        model = full;
    }

    /**
     * Quarantines the server lines of {@code text} that HAProxy's check {@code output} names, and returns
     * the text without them; empty when the output names no server line (the fault is elsewhere).
     */
    java.util.Optional<String> isolate(String text, String output) {
        String[] lines = text.split("\n", -1);
        Map<Integer, String> named = new LinkedHashMap<>();
        for (String alert : output.split("\n")) {
            Matcher matcher = ALERT_LINE.matcher(alert);
            if (!alert.contains("ALERT") || !matcher.find()) {
                continue;
            }
            int number = Integer.parseInt(matcher.group(1));
            if (number >= 1
                    && number <= lines.length
                    && lines[number - 1].strip().startsWith("server ")) {
                named.putIfAbsent(number, alert.strip());
            }
        }
        if (named.isEmpty()) {
            return java.util.Optional.empty();
        }
        for (Map.Entry<Integer, String> hit : named.entrySet()) {
            String line = lines[hit.getKey() - 1].strip();
            String backend = section(lines, hit.getKey() - 1);
            String server = line.split("\\s+")[1];
            HaproxyModel current = model;
            Key key = current == null
                    ? new Key(backend, server, line)
                    : current.serviceByBackend(backend)
                            .flatMap(service -> service.servers().stream()
                                    .filter(candidate -> candidate.name().equals(server))
                                    .findFirst()
                                    .map(found -> key(service, found)))
                            .orElse(new Key(backend, server, line));
            quarantine(key, "HAProxy refused the server line: " + hit.getValue());
        }
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (!named.containsKey(i + 1)) {
                kept.append(lines[i]);
                if (i < lines.length - 1) {
                    kept.append('\n');
                }
            }
        }
        return java.util.Optional.of(kept.toString());
    }

    /** HAProxy refused {@code add server}: the server is quarantined like a refused config line. */
    void refusedAdd(String backend, String server, String answer) {
        HaproxyModel current = model;
        if (current == null) {
            return;
        }
        current.serviceByBackend(backend)
                .flatMap(service -> service.servers().stream()
                        .filter(candidate -> candidate.name().equals(server))
                        .findFirst()
                        .map(found -> key(service, found)))
                .ifPresent(key -> quarantine(key, "HAProxy refused 'add server': " + answer.strip()));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Service name to its quarantined servers ({@code path} is the server name), for the status. */
    Map<String, List<Map<String, Object>>> byService() {
        Map<String, List<Map<String, Object>>> result = new LinkedHashMap<>();
        entries.forEach((key, entry) -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("path", key.backend() + "/" + key.server());
            item.put("reason", "haproxy");
            item.put("detail", entry.reason());
            result.computeIfAbsent(entry.service(), s -> new ArrayList<>()).add(item);
        });
        return result;
    }

    private void quarantine(Key key, String reason) {
        HaproxyModel current = model;
        String service = current == null
                ? key.backend()
                : current.serviceByBackend(key.backend())
                        .map(HaproxyModel.ServiceModel::name)
                        .orElse(key.backend());
        if (entries.putIfAbsent(key, new Entry(service, reason)) == null) {
            LOG.warn(
                    "service {}: server {} left out of HAProxy: {}",
                    service,
                    key.server(),
                    RegistrationRules.quote(reason));
            metrics.rejectedRegistration(service, "haproxy");
        }
    }

    private static Key key(HaproxyModel.ServiceModel service, ServerModel server) {
        return new Key(service.backendName(), server.name(), server.line());
    }

    /** The name of the {@code backend} or {@code listen} section line {@code index} is in. */
    private static String section(String[] lines, int index) {
        for (int i = index; i >= 0; i--) {
            String line = lines[i];
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                String[] words = line.strip().split("\\s+");
                return words.length > 1 ? words[1] : words[0];
            }
        }
        return "";
    }
}
