package io.smartstack.synapse.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.synapse.model.BackendOrigin;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the state file of the original (Ruby) Synapse (pure, but for its log lines): an object of
 * service name to an object of server name ({@code <name>_<host>:<port>}) to the backend as the
 * original's watcher saw it, plus {@code timestamp} (seconds since the epoch, when last seen) and
 * {@code haproxy_server_id}; each service may also hold {@code watcher_config_for_generator}, which is
 * not used. Each backend becomes a remembered one, seen at its timestamp, so the state-file TTL applies
 * as in the original; an entry without host and integer port is skipped, and counted in one warning.
 */
final class OriginalStateFile {
    private static final Logger log = LoggerFactory.getLogger(OriginalStateFile.class);
    static final String GENERATOR_CONFIG = "watcher_config_for_generator";

    private OriginalStateFile() {}

    /** Whether {@code root} has the original's shape: every value an object, every backend entry an object. */
    static boolean matches(JsonNode root) {
        if (!root.isObject()) {
            return false;
        }
        for (JsonNode service : root) {
            if (!service.isObject()) {
                return false;
            }
            var entries = service.fields();
            while (entries.hasNext()) {
                var entry = entries.next();
                if (!entry.getKey().equals(GENERATOR_CONFIG)
                        && !entry.getValue().isObject()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return service name to its remembered backends, origin {@code STATE_CACHE} */
    static Map<String, List<StateCache.Seen>> read(Path file, JsonNode root) {
        Map<String, List<StateCache.Seen>> services = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        int backends = 0;
        var fields = root.fields();
        while (fields.hasNext()) {
            var service = fields.next();
            List<StateCache.Seen> seen = new ArrayList<>();
            var entries = service.getValue().fields();
            while (entries.hasNext()) {
                var entry = entries.next();
                if (entry.getKey().equals(GENERATOR_CONFIG)) {
                    continue;
                }
                try {
                    JsonNode node = entry.getValue();
                    long timestamp = node.path("timestamp").canConvertToLong()
                            ? node.path("timestamp").asLong()
                            : 0;
                    seen.add(new StateCache.Seen(
                            BackendJson.read(node, BackendOrigin.STATE_CACHE), Instant.ofEpochSecond(timestamp)));
                } catch (IllegalArgumentException e) {
                    skipped.add(service.getKey() + "/" + entry.getKey());
                }
            }
            backends += seen.size();
            services.put(service.getKey(), List.copyOf(seen));
        }
        log.info(
                "state cache {} is in the original Synapse's format: remembered {} backends of {} services"
                        + " (with their haproxy_server_id); it is rewritten in Synapse's own format",
                file,
                backends,
                services.size());
        if (!skipped.isEmpty()) {
            log.warn(
                    "state cache {}: skipped {} entries without host and integer port: {}",
                    file,
                    skipped.size(),
                    skipped);
        }
        return services;
    }
}
