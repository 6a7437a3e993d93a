package io.smartstack.synapse.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * {@code discovery_jitter}: spreads the re-reads a fleet does after one registry change. A change that
 * comes within {@code jitter} of the last publication is published after a random delay between half of
 * {@code jitter} and all of it (the original slept exactly {@code jitter}, so every Synapse re-read in
 * step); changes meanwhile are published together. Time is passed in, so this is tested without sleeps.
 * Not thread-safe: one watcher's event thread owns it.
 */
final class DiscoveryJitter {
    private final Duration jitter;
    private final DoubleSupplier random;
    private Instant lastPublished;

    /** {@code random} returns values in [0, 1). */
    DiscoveryJitter(Duration jitter, DoubleSupplier random) {
        if (jitter.isNegative() || jitter.isZero()) {
            throw new IllegalArgumentException("jitter <= 0: " + jitter);
        }
        this.jitter = jitter;
        this.random = random;
    }

    /** How long to wait before publishing a change seen at {@code now}; zero = publish at once. */
    Duration delay(Instant now) {
        if (lastPublished == null || !now.isBefore(lastPublished.plus(jitter))) {
            return Duration.ZERO;
        }
        long half = jitter.toNanos() / 2;
        return Duration.ofNanos(half + (long) ((jitter.toNanos() - half) * random.getAsDouble()));
    }

    void published(Instant now) {
        lastPublished = now;
    }
}
