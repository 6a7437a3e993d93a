package io.smartstack.nerve.service;

import io.smartstack.nerve.check.CheckResult;
import io.smartstack.nerve.check.CheckRunner;
import io.smartstack.nerve.config.ServiceConfig;
import io.smartstack.nerve.metrics.NerveMetrics;
import io.smartstack.nerve.reporter.RateLimiter;
import io.smartstack.nerve.reporter.ZooKeeperReporter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one service: every {@code check_interval} runs all its checks (no short-circuit, each with its
 * own timeout), applies rise/fall, then maintenance and app-reported health, and tells the reporter
 * whether the registration should exist. Logs only transitions. A failing cycle is caught here and
 * never kills the scheduler thread.
 */
public final class ServiceWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceWatcher.class);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final ServiceConfig config;
    private final List<CheckRunner> checks;
    private final List<NerveMetrics.CheckMeters> checkMeters;
    private final ZooKeeperReporter reporter;
    private final Overrides overrides;
    private final RateLimiter rateLimiter;
    private final NerveMetrics.ServiceMeters meters;
    private final Clock clock;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final CountDownLatch firstCycle = new CountDownLatch(1);
    private volatile ScheduledFuture<?> schedule;
    private volatile CyclePool cycles;
    private volatile boolean checksUp;
    private volatile boolean up;
    private volatile Boolean reportedUp;
    private volatile Boolean lastLoggedHealthy;
    private boolean throttled;

    /** What a watcher is built from; the watcher owns the checks and the reporter. */
    public record Parts(
            ServiceConfig config,
            List<CheckRunner> checks,
            List<NerveMetrics.CheckMeters> checkMeters,
            ZooKeeperReporter reporter,
            NerveMetrics.ServiceMeters meters) {}

    public ServiceWatcher(Parts parts, Overrides overrides, Clock clock) {
        this.config = parts.config();
        this.checks = List.copyOf(parts.checks());
        this.checkMeters = List.copyOf(parts.checkMeters());
        this.reporter = parts.reporter();
        this.meters = parts.meters();
        this.overrides = overrides;
        this.clock = clock;
        this.rateLimiter = new RateLimiter(config.rateLimiting(), System::nanoTime);
    }

    /**
     * Starts the cycles on {@code cycles}, the first after {@code first}, each {@code check_interval} after
     * the last one ended.
     */
    public void start(CyclePool cycles, Duration first) {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("watcher of " + config.name() + " already started or closed");
        }
        this.cycles = cycles;
        scheduleNext(first);
    }

    private void scheduleNext(Duration delay) {
        if (state.get() != State.STARTED) {
            return;
        }
        try {
            schedule = cycles.schedule(this::cycleSafely, delay);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    private void cycleSafely() {
        try {
            cycle();
        } catch (RuntimeException e) {
            log.error("check cycle of {} failed", config.name(), e);
        } finally {
            firstCycle.countDown();
            scheduleNext(config.checkInterval());
        }
    }

    /** One cycle: run every check, decide, report. */
    void cycle() {
        if (state.get() == State.CLOSED) {
            return;
        }
        List<String> failing = new ArrayList<>();
        boolean allUp = true;
        for (int i = 0; i < checks.size(); i++) {
            CheckRunner runner = checks.get(i);
            CheckResult result = config.checkMocked() ? null : runner.runOnce();
            if (result != null) {
                checkMeters
                        .get(i)
                        .record(
                                result.passed(),
                                result.latency(),
                                runner.riseFall().isUp());
                if (!runner.riseFall().isUp()) {
                    allUp = false;
                    failing.add(runner.config().name() + ": " + result.reason());
                }
            }
        }
        checksUp = allUp;
        Overrides.ServiceOverride override = overrides.forService(config.name(), clock.instant());
        if (override.appUnhealthy().isPresent()) {
            failing.add("application reports unhealthy: "
                    + override.appUnhealthy().get().reason());
        }
        boolean healthy = allUp && override.appUnhealthy().isEmpty();
        logHealthTransition(healthy, failing);
        boolean register = healthy && override.maintenance().isEmpty();
        if (reportedUp == null || register != reportedUp) {
            if (rateLimiter.tryConsume()) {
                reportedUp = register;
                meters.transition(register);
                throttled = false;
            } else {
                meters.throttled().increment();
                if (config.rateLimiting().shadowMode()) {
                    log.info("report of {} is over the rate limit (shadow mode: reporting anyway)", config.name());
                    reportedUp = register;
                    meters.transition(register);
                } else if (!throttled) {
                    throttled = true;
                    log.info("report of {} is over the rate limit; held until a token is available", config.name());
                }
            }
        }
        if (reportedUp != null) {
            reporter.report(reportedUp);
        }
    }

    private void logHealthTransition(boolean healthy, List<String> failing) {
        Boolean previous = lastLoggedHealthy;
        up = healthy;
        if (previous == null || previous != healthy) {
            lastLoggedHealthy = healthy;
            if (healthy) {
                log.info("service {} is up", config.name());
            } else {
                log.warn("service {} is down: {}", config.name(), String.join("; ", failing));
            }
        }
    }

    /** Waits until the first cycle has finished (make-before-break on reload); false on timeout. */
    public boolean awaitFirstCycle(Duration timeout) {
        try {
            return firstCycle.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public ServiceConfig config() {
        return config;
    }

    public boolean isUp() {
        return up;
    }

    public ZooKeeperReporter reporter() {
        return reporter;
    }

    public ServiceStatus status() {
        return StatusSnapshots.of(this, checks, overrides.forService(config.name(), clock.instant()), checksUp);
    }

    List<io.micrometer.core.instrument.Meter> meters() {
        List<io.micrometer.core.instrument.Meter> all = new ArrayList<>(meters.all());
        checkMeters.forEach(m -> all.addAll(m.all()));
        return all;
    }

    /** Stops checking and deregisters (bounded by {@code drainTimeout}). Idempotent. */
    public void close(Duration drainTimeout) {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        ScheduledFuture<?> scheduled = schedule;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        reporter.close(drainTimeout);
        checks.forEach(CheckRunner::close);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }
}
