package io.smartstack.nerve.reporter;

import io.smartstack.nerve.config.RateLimitConfig;
import java.util.function.LongSupplier;

/**
 * The original's token bucket on reports: {@code average_rate} tokens per second, at most
 * {@code max_burst} stored; the bucket starts with {@code average_rate} tokens; tokens are added in
 * whole numbers only, and the refill time moves only when at least one was added. Infinite
 * {@code average_rate} never limits. Not thread-safe (one service's reports come from one thread).
 */
public final class RateLimiter {
    private final double averageRate;
    private final double maxBurst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long lastRefill;

    public RateLimiter(RateLimitConfig config, LongSupplier nanoTime) {
        this.averageRate = config.averageRate();
        this.maxBurst = config.maxBurst();
        this.nanoTime = nanoTime;
        this.tokens = averageRate;
        this.lastRefill = nanoTime.getAsLong();
    }

    /** Takes a token if there is one; true means the report may go ahead. */
    public boolean tryConsume() {
        if (Double.isInfinite(averageRate)) {
            return true;
        }
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        double elapsedSeconds = (now - lastRefill) / 1e9;
        double delta = Math.floor(averageRate * elapsedSeconds);
        if (delta < 1) {
            return;
        }
        tokens = Math.min(tokens + delta, maxBurst);
        lastRefill = now;
    }
}
