package io.smartstack.synapse.haproxy;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * At most one reload per {@code restart_interval} (plus a random {@code restart_jitter} fraction of
 * it), as in the original. Pure: time is passed in; the random source is injected.
 */
final class ReloadLimiter {
    private final Duration interval;
    private final double jitter;
    private final DoubleSupplier random;
    private Instant nextAllowed = Instant.MIN;

    ReloadLimiter(Duration interval, double jitter, DoubleSupplier random) {
        this.interval = interval;
        this.jitter = jitter;
        this.random = random;
    }

    /** Zero when a reload may happen now, else how long to wait. */
    Duration delay(Instant now) {
        return now.isBefore(nextAllowed) ? Duration.between(now, nextAllowed) : Duration.ZERO;
    }

    void reloaded(Instant now) {
        long extra = (long) (interval.toNanos() * jitter * random.getAsDouble());
        nextAllowed = now.plus(interval).plusNanos(extra);
    }
}
