package io.smartstack.synapse.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReloadLimiterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theFirstReloadIsImmediateAndTheNextWaitsTheInterval() {
        ReloadLimiter limiter = new ReloadLimiter(Duration.ofSeconds(2), 0, () -> 0.5);
        assertEquals(Duration.ZERO, limiter.delay(T0));

        limiter.reloaded(T0);

        assertEquals(Duration.ofSeconds(2), limiter.delay(T0));
        assertEquals(Duration.ofMillis(500), limiter.delay(T0.plusMillis(1500)));
        assertEquals(Duration.ZERO, limiter.delay(T0.plusSeconds(2)));
    }

    @Test
    void jitterAddsARandomFractionOfTheInterval() {
        ReloadLimiter limiter = new ReloadLimiter(Duration.ofSeconds(10), 0.5, () -> 0.5);
        limiter.reloaded(T0);
        assertEquals(Duration.ofMillis(12_500), limiter.delay(T0));
    }
}
