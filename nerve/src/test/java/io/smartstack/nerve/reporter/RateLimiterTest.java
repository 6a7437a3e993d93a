package io.smartstack.nerve.reporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.nerve.config.RateLimitConfig;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(double average, double burst) {
        return new RateLimiter(new RateLimitConfig(false, average, burst), now::get);
    }

    private void advanceMillis(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void infiniteRateNeverLimits() {
        RateLimiter limiter = limiter(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(limiter.tryConsume());
        }
    }

    @Test
    void startsWithAverageRateTokensThenRefusesUntilRefilled() {
        RateLimiter limiter = limiter(2, 10);
        assertTrue(limiter.tryConsume());
        assertTrue(limiter.tryConsume());
        assertFalse(limiter.tryConsume());
        advanceMillis(499);
        assertFalse(limiter.tryConsume(), "less than one whole token refilled");
        advanceMillis(1);
        assertTrue(limiter.tryConsume());
        assertFalse(limiter.tryConsume());
    }

    @Test
    void burstIsCappedAtMaxBurst() {
        RateLimiter limiter = limiter(1, 3);
        assertTrue(limiter.tryConsume());
        advanceMillis(60_000);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            granted += limiter.tryConsume() ? 1 : 0;
        }
        assertEquals(3, granted);
    }

    @Test
    void averageRateHoldsWithinFivePercentOverTime() {
        RateLimiter limiter = limiter(10, 5);
        int granted = 0;
        for (int step = 0; step < 10_000; step++) {
            advanceMillis(10);
            while (limiter.tryConsume()) {
                granted++;
            }
        }
        // 100 s at 10 per second, plus the initial 10 tokens
        assertEquals(1010, granted, 1010 * 0.05);
    }
}
