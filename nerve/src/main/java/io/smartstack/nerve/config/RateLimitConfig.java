package io.smartstack.nerve.config;

/**
 * The original's {@code rate_limiting}: a token bucket on reports (registrations and deregistrations).
 *
 * @param shadowMode when true (the default) a report over the limit is only counted and logged, then
 *     made anyway
 * @param averageRate tokens added per second; infinite means unlimited
 * @param maxBurst bucket size; infinite means unbounded
 */
public record RateLimitConfig(boolean shadowMode, double averageRate, double maxBurst) {
    public static final RateLimitConfig UNLIMITED =
            new RateLimitConfig(true, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);

    public RateLimitConfig {
        if (!(averageRate >= 0)) {
            throw new IllegalArgumentException("average_rate < 0: " + averageRate);
        }
        if (!(maxBurst >= 1)) {
            throw new IllegalArgumentException("max_burst < 1: " + maxBurst);
        }
    }
}
