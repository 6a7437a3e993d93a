package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one check and keeps its rise/fall state and last result. Never throws: an exception or an
 * overrun of the timeout is a failure with the reason recorded. Used by one thread at a time; the
 * snapshot accessors may be read from any thread.
 */
public final class CheckRunner implements AutoCloseable {
    private final CheckConfig config;
    private final HealthCheck check;
    private final Clock clock;
    private volatile RiseFall riseFall;
    private volatile Optional<CheckResult> lastResult = Optional.empty();

    public CheckRunner(CheckConfig config, HealthCheck check, Clock clock) {
        this.config = config;
        this.check = check;
        this.clock = clock;
        this.riseFall = RiseFall.initial(config.rise(), config.fall());
    }

    /** Runs the check once and returns the result (the filtered state is in {@link #riseFall()}). */
    public CheckResult runOnce() {
        long start = System.nanoTime();
        CheckOutcome outcome;
        try {
            outcome = check.run();
        } catch (Exception e) {
            outcome = CheckOutcome.failure(e);
        } catch (Error e) {
            // A linkage or assertion error in one check must not kill the scheduler thread.
            outcome = CheckOutcome.failure(e);
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        CheckResult result = new CheckResult(outcome.passed(), outcome.reason(), latency, clock.instant());
        riseFall = riseFall.next(result.passed());
        lastResult = Optional.of(result);
        return result;
    }

    public CheckConfig config() {
        return config;
    }

    public RiseFall riseFall() {
        return riseFall;
    }

    public Optional<CheckResult> lastResult() {
        return lastResult;
    }

    @Override
    public void close() {
        check.close();
    }
}
