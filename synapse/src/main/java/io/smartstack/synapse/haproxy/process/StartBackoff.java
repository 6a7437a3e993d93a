package io.smartstack.synapse.haproxy.process;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to try starting a managed HAProxy again, and whether a failure is worth logging. Pure: time is
 * passed in. After the n-th failure in a row the next attempt waits {@code first * 2^(n-1)}, capped at
 * {@code cap}; attempts go on forever. A failure is "new" (to be logged) when its error differs from the
 * previous one once process ids are ignored, so a port that stays taken logs once, not every attempt.
 * A success resets both. Not thread-safe: one owner thread.
 */
public final class StartBackoff {
    private final Duration first;
    private final Duration cap;
    private int failures;
    private Instant nextAttempt = Instant.MIN;
    private String lastError = "";

    public StartBackoff(Duration first, Duration cap) {
        this.first = first;
        this.cap = cap;
    }

    /** True when an attempt may be made now. */
    public boolean due(Instant now) {
        return !now.isBefore(nextAttempt);
    }

    /** Records a failed attempt; true when its error differs from the previous failure's (log it). */
    public boolean failed(Instant now, String error) {
        failures++;
        nextAttempt = now.plus(delay());
        String key = normalized(error);
        boolean fresh = !key.equals(lastError);
        lastError = key;
        return fresh;
    }

    /** Records a successful start: the next failure waits {@code first} again and is logged. */
    public void succeeded() {
        failures = 0;
        nextAttempt = Instant.MIN;
        lastError = "";
    }

    /** The wait after the current run of failures (zero when there is none). */
    public Duration delay() {
        if (failures == 0) {
            return Duration.ZERO;
        }
        Duration delay = first;
        for (int i = 1; i < failures && delay.compareTo(cap) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(cap) > 0 ? cap : delay;
    }

    public int failures() {
        return failures;
    }

    /** The error of the current run of failures, without process ids; empty after a success. */
    public Optional<String> lastError() {
        return lastError.isEmpty() ? Optional.empty() : Optional.of(lastError);
    }

    /** HAProxy prefixes its alerts with its pid ({@code [ALERT]    (4242) : ...}): not part of the error. */
    static String normalized(String error) {
        return error.replaceAll("\\(\\d+\\)", "(pid)")
                .replaceAll("pid \\d+", "pid")
                .strip();
    }
}
