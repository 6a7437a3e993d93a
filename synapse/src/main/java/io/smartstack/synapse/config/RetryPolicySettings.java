package io.smartstack.synapse.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A discovery's {@code retry_policy}, with the original Synapse's sub-keys and defaults: at most
 * {@code max_attempts} attempts of one ZooKeeper operation (the first included), none started once
 * {@code max_delay} has passed since the first, sleeping {@code base_interval * 2^(retry-1)} scaled by a
 * random factor in [0.5, 1.0) and clamped to [{@code base_interval}, {@code max_interval}] between them.
 *
 * @param maxAttempts attempts in all, at least 1 (default 10)
 * @param maxDelay no retry after this long since the first attempt (default 600 s)
 * @param baseInterval sleep before the first retry, before randomisation (default 0.5 s)
 * @param maxInterval longest sleep between attempts (default 60 s)
 */
public record RetryPolicySettings(int maxAttempts, Duration maxDelay, Duration baseInterval, Duration maxInterval) {
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(600);
    public static final Duration DEFAULT_BASE_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofSeconds(60);

    public RetryPolicySettings {
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(baseInterval, "baseInterval");
        Objects.requireNonNull(maxInterval, "maxInterval");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
        }
        if (baseInterval.compareTo(maxInterval) > 0) {
            throw new IllegalArgumentException("baseInterval > maxInterval: " + baseInterval + " > " + maxInterval);
        }
    }
}
