package io.smartstack.synapse.haproxy.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runtime commands HAProxy refused, per server: while a server waits for its retry, none of its
 * commands is sent; the wait doubles from {@link #FIRST_RETRY} up to {@link #MAX_WAIT}, and after
 * {@link #MAX_ATTEMPTS} refusals in a row the server's commands are given up for {@link #GIVE_UP_FOR}
 * (then tried again from the start). An accepted command clears the server. Pure: time is passed in.
 */
public final class Refusals {
    public static final Duration FIRST_RETRY = Duration.ofMillis(100);
    public static final Duration MAX_WAIT = Duration.ofSeconds(2);
    public static final int MAX_ATTEMPTS = 8;
    public static final Duration GIVE_UP_FOR = Duration.ofMinutes(5);

    /** What a refusal means for the caller's log. */
    public enum Verdict {
        /** The first refusal of this server (or a new answer): log it. */
        FIRST,
        /** Refused again with the same answer: retried later, not logged again. */
        RETRY,
        /** The last allowed refusal: log that it is given up. */
        GIVEN_UP
    }

    private record Entry(int attempts, Instant next, String answer) {}

    private final Map<ServerRef, Entry> entries = new HashMap<>();

    public Verdict refused(ServerRef server, String answer, Instant now) {
        Entry previous = entries.get(server);
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        if (attempts >= MAX_ATTEMPTS) {
            entries.put(server, new Entry(attempts, now.plus(GIVE_UP_FOR), answer));
            return Verdict.GIVEN_UP;
        }
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(attempts - 1, 20));
        entries.put(server, new Entry(attempts, now.plus(wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait), answer));
        return previous == null || !previous.answer().equals(answer) ? Verdict.FIRST : Verdict.RETRY;
    }

    /** True while the server's commands must not be sent. A wait that has passed after giving up starts over. */
    public boolean waiting(ServerRef server, Instant now) {
        Entry entry = entries.get(server);
        if (entry == null) {
            return false;
        }
        if (entry.attempts() >= MAX_ATTEMPTS && !now.isBefore(entry.next())) {
            entries.remove(server);
            return false;
        }
        return now.isBefore(entry.next());
    }

    /** How many times in a row the server's commands were refused (0 when none waits). */
    public int attempts(ServerRef server) {
        Entry entry = entries.get(server);
        return entry == null ? 0 : entry.attempts();
    }

    public void accepted(ServerRef server) {
        entries.remove(server);
    }

    /** When the earliest retry is due, if any server waits for one (given-up servers excluded). */
    public Optional<Instant> nextRetry() {
        return entries.values().stream()
                .filter(entry -> entry.attempts() < MAX_ATTEMPTS)
                .map(Entry::next)
                .min(Instant::compareTo);
    }

    /** Server to HAProxy's last refusal, for the status page. */
    public Map<String, String> refused() {
        Map<String, String> refused = new java.util.TreeMap<>();
        entries.forEach((server, entry) -> refused.put(
                server.toString(),
                entry.answer() + " (" + entry.attempts() + (entry.attempts() >= MAX_ATTEMPTS ? ", given up)" : ")")));
        return refused;
    }
}
