package io.smartstack.synapse.haproxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RefusalsTest {
    private static final ServerRef SERVER = new ServerRef("web", "a");
    private static final String BUSY = "Server still has connections attached to it, cannot remove it.";
    private final Instant start = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void waitsDoubleUpToTheCapAndTheLastAllowedRefusalGivesUp() {
        Refusals refusals = new Refusals();
        Instant now = start;
        List<Refusals.Verdict> verdicts = new ArrayList<>();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < Refusals.MAX_ATTEMPTS; i++) {
            verdicts.add(refusals.refused(SERVER, BUSY, now));
            Instant at = now;
            Optional<Instant> next = refusals.nextRetry();
            waits.add(next.map(retry -> Duration.between(at, retry).toMillis()).orElse(-1L));
            now = next.orElse(now);
        }
        assertEquals(Refusals.Verdict.FIRST, verdicts.get(0));
        assertEquals(
                List.of(Refusals.Verdict.RETRY),
                verdicts.subList(1, Refusals.MAX_ATTEMPTS - 1).stream()
                        .distinct()
                        .toList());
        assertEquals(Refusals.Verdict.GIVEN_UP, verdicts.get(Refusals.MAX_ATTEMPTS - 1));
        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 2000L, 2000L, -1L), waits);
    }

    @Test
    void attemptsCountTheRefusalsInARowUntilOneIsAccepted() {
        Refusals refusals = new Refusals();
        assertEquals(0, refusals.attempts(SERVER));
        refusals.refused(SERVER, BUSY, start);
        refusals.refused(SERVER, BUSY, start.plusSeconds(1));
        assertEquals(2, refusals.attempts(SERVER));
        refusals.accepted(SERVER);
        assertEquals(0, refusals.attempts(SERVER));
    }

    @Test
    void aServerWaitingForItsRetryIsHeldBackUntilItIsDue() {
        Refusals refusals = new Refusals();
        refusals.refused(SERVER, BUSY, start);

        assertTrue(refusals.waiting(SERVER, start.plusMillis(99)));
        assertFalse(refusals.waiting(SERVER, start.plusMillis(100)));
        assertFalse(refusals.waiting(new ServerRef("web", "other"), start));
    }

    @Test
    void anAcceptedCommandClearsTheServerAndANewAnswerIsLoggedAgain() {
        Refusals refusals = new Refusals();
        refusals.refused(SERVER, BUSY, start);
        assertEquals(Refusals.Verdict.FIRST, refusals.refused(SERVER, "No such server.", start));

        refusals.accepted(SERVER);

        assertFalse(refusals.waiting(SERVER, start));
        assertEquals(Optional.empty(), refusals.nextRetry());
        assertEquals(Refusals.Verdict.FIRST, refusals.refused(SERVER, BUSY, start));
    }

    @Test
    void aGivenUpServerIsTriedAgainFromTheStartAfterTheGiveUpTime() {
        Refusals refusals = new Refusals();
        for (int i = 0; i < Refusals.MAX_ATTEMPTS; i++) {
            refusals.refused(SERVER, BUSY, start);
        }
        assertTrue(refusals.waiting(SERVER, start.plus(Refusals.GIVE_UP_FOR).minusSeconds(1)));

        assertFalse(refusals.waiting(SERVER, start.plus(Refusals.GIVE_UP_FOR)));
        assertEquals(Refusals.Verdict.FIRST, refusals.refused(SERVER, BUSY, start.plus(Refusals.GIVE_UP_FOR)));
    }
}
