package io.smartstack.nerve.check;

import java.time.Duration;
import java.time.Instant;

/** One finished check run: what happened, how long it took, when. */
public record CheckResult(boolean passed, String reason, Duration latency, Instant finishedAt) {}
