package io.smartstack.synapse.config;

import io.smartstack.common.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads {@code state_file_path} and {@code state_file_ttl} from the top-level {@code haproxy} section,
 * where the original keeps them. The state cache is core logic, so the core reads them; the haproxy
 * generator may read them too (reading a key twice is harmless).
 */
final class StateCacheReader {
    private StateCacheReader() {}

    static Optional<StateCacheConfig> read(ConfigNode haproxy) {
        if (haproxy == null || !haproxy.isMap()) {
            return Optional.empty();
        }
        Optional<String> path = haproxy.optionalString("state_file_path");
        Duration ttl = haproxy.positiveDuration("state_file_ttl", StateCacheConfig.DEFAULT_TTL);
        return path.filter(p -> !p.isBlank()).map(p -> new StateCacheConfig(Path.of(p), ttl));
    }
}
