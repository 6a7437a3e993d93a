package io.smartstack.synapse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The state cache, configured by {@code haproxy.state_file_path} and {@code haproxy.state_file_ttl} as in
 * the original.
 *
 * @param path the file the remembered backends are written to
 * @param ttl how long a backend gone from the registry is remembered (default 86400 s)
 */
public record StateCacheConfig(Path path, Duration ttl) {
    public static final java.time.Duration DEFAULT_TTL = Duration.ofSeconds(86400);

    public StateCacheConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(ttl, "ttl");
    }
}
