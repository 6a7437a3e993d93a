package io.smartstack.synapse.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.config.RetryPolicySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetrySleeper;
import org.junit.jupiter.api.Test;

/** The original Synapse's retry arithmetic, as Curator asks for it. */
class OriginalRetryPolicyTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final RetrySleeper sleeper = (time, unit) -> sleeps.add(unit.toMillis(time));

    private static RetryPolicySettings settings(int attempts, long maxDelayMillis, long baseMillis, long maxMillis) {
        return new RetryPolicySettings(
                attempts,
                Duration.ofMillis(maxDelayMillis),
                Duration.ofMillis(baseMillis),
                Duration.ofMillis(maxMillis));
    }

    @Test
    void allowsMaxAttemptsInAllCountingTheFirst() {
        OriginalRetryPolicy policy = new OriginalRetryPolicy(settings(4, 600_000, 100, 10_000), () -> 0.0);
        assertTrue(policy.allowRetry(0, 0, sleeper));
        assertTrue(policy.allowRetry(1, 0, sleeper));
        assertTrue(policy.allowRetry(2, 0, sleeper));
        assertFalse(policy.allowRetry(3, 0, sleeper), "the fourth attempt was the last");
        assertEquals(3, sleeps.size());
    }

    @Test
    void sleepsDoubleFromTheBaseIntervalRandomisedAndClamped() {
        // lowest random factor 0.5: 100*1*0.5 -> clamped up to base 100; 100*2*0.5 = 100; 100*4*0.5 = 200; ...
        OriginalRetryPolicy low = new OriginalRetryPolicy(settings(10, 600_000, 100, 1_000), () -> 0.0);
        for (int retry = 0; retry < 6; retry++) {
            low.allowRetry(retry, 0, sleeper);
        }
        assertEquals(List.of(100L, 100L, 200L, 400L, 800L, 1_000L), sleeps);

        sleeps.clear();
        // highest random factor (just under 1.0): 100*2^(n-1), clamped down to max 1000
        OriginalRetryPolicy high = new OriginalRetryPolicy(settings(10, 600_000, 100, 1_000), () -> 0.999_999);
        for (int retry = 0; retry < 6; retry++) {
            high.allowRetry(retry, 0, sleeper);
        }
        assertEquals(List.of(100L, 199L, 399L, 799L, 1_000L, 1_000L), sleeps);
    }

    @Test
    void stopsOnceMaxDelayHasPassedSinceTheFirstAttempt() {
        OriginalRetryPolicy policy = new OriginalRetryPolicy(settings(100, 5_000, 100, 1_000), () -> 0.5);
        assertTrue(policy.allowRetry(3, 4_999, sleeper));
        assertFalse(policy.allowRetry(4, 5_000, sleeper));
        assertEquals(1, sleeps.size());
    }

    @Test
    void anInterruptedSleepStopsRetryingAndKeepsTheInterruptFlag() {
        OriginalRetryPolicy policy = new OriginalRetryPolicy(settings(10, 600_000, 100, 1_000), () -> 0.5);
        RetrySleeper interrupted = (long time, TimeUnit unit) -> {
            throw new InterruptedException("stop");
        };
        assertFalse(policy.allowRetry(0, 0, interrupted));
        assertTrue(Thread.interrupted(), "interrupt flag restored (and cleared here)");
    }
}
