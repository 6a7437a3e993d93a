package io.smartstack.synapse.haproxy.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StartBackoffTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest(name = "after {0} failures the next start waits {1} ms")
    @CsvSource({"0,0", "1,1000", "2,2000", "3,4000", "4,8000", "5,16000", "6,30000", "7,30000", "40,30000"})
    void delayDoublesFromOneSecondAndIsCappedAtThirty(int failures, long millis) {
        StartBackoff backoff = new StartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        for (int i = 0; i < failures; i++) {
            backoff.failed(T0, "cannot bind");
        }
        assertEquals(Duration.ofMillis(millis), backoff.delay());
    }

    @Test
    void theNextAttemptIsDueExactlyOneDelayAfterTheFailure() {
        StartBackoff backoff = new StartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertTrue(backoff.due(T0));
        backoff.failed(T0, "x");
        backoff.failed(T0, "x");
        assertFalse(backoff.due(T0.plusMillis(1999)));
        assertTrue(backoff.due(T0.plusMillis(2000)));
    }

    @Test
    void theSameErrorWithAnotherPidIsLoggedOnceAndANewErrorAgain() {
        StartBackoff backoff = new StartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertTrue(backoff.failed(T0, "[ALERT]    (101) : Starting frontend f: cannot bind socket"));
        assertFalse(backoff.failed(T0, "[ALERT]    (202) : Starting frontend f: cannot bind socket"));
        assertTrue(backoff.failed(T0, "[ALERT]    (303) : config: no such file"));
        assertFalse(backoff.failed(T0, "[ALERT]    (404) : config: no such file"));
    }

    @Test
    void aSuccessResetsTheDelayAndTheLoggedError() {
        StartBackoff backoff = new StartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        backoff.failed(T0, "e");
        backoff.failed(T0, "e");
        backoff.failed(T0, "e");
        backoff.succeeded();
        assertEquals(Duration.ZERO, backoff.delay());
        assertTrue(backoff.due(T0));
        assertTrue(backoff.failed(T0, "e"));
        assertEquals(Duration.ofSeconds(1), backoff.delay());
    }
}
