package io.smartstack.nerve.service;

import java.time.Duration;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where check cycles run: a scheduled pool whose threads time the cycles and run each on the thread
 * that timed it. There is no hand-off to another thread: with thousands of short checks a second,
 * waking a second thread for each check cost more than the checks themselves.
 *
 * <p>The pool grows when a cycle has to wait for a thread. Every {@link #TICK} a monitor thread looks:
 * when every thread is in a cycle (checks that hang until their timeout, or more checks than the
 * threads keep up with) and the next cycle due is more than {@link #LATE} overdue, the pool grows by
 * the cycles already due (at least one thread, and at least doubling what it has beyond its base, up
 * to its maximum). So a slow or hanging check delays another service's cycle by about
 * {@code TICK + LATE} at most, each time checks start to hang. After a second without such a wait it
 * shrinks to one thread more than were in a cycle at once during that second, never below its base.
 */
public final class CyclePool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CyclePool.class);
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration LATE = Duration.ofMillis(25);
    private static final int CALM_TICKS_BEFORE_SHRINKING = 20;

    private final ScheduledThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor monitor;
    private final int base;
    private final int max;
    private int calmTicks;
    private int peakActive;
    private String lastFailure;

    /**
     * @param name prefix of the threads' names
     * @param base threads the pool keeps (at least 1)
     * @param max threads it grows to at most
     */
    public CyclePool(String name, int base, int max) {
        if (base < 1 || max < base) {
            throw new IllegalArgumentException("cycle pool of " + base + " to " + max + " threads");
        }
        this.base = base;
        this.max = max;
        pool = new ScheduledThreadPoolExecutor(base, daemonThreads(number -> name + "-" + number));
        pool.setRemoveOnCancelPolicy(true);
        monitor = new ScheduledThreadPoolExecutor(1, daemonThreads(number -> name + "-monitor"));
        monitor.scheduleWithFixedDelay(this::adjust, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} once after {@code delay} on one of the pool's threads. */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return pool.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} after {@code initial}, then {@code delay} after each run ends. */
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initial, Duration delay) {
        return pool.scheduleWithFixedDelay(task, initial.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Threads the pool may run now (its base plus what it grew by). */
    int threads() {
        return pool.getCorePoolSize();
    }

    /** One look of the monitor; a failure (no thread can be started) is logged and the next look tries again. */
    private void adjust() {
        try {
            resize();
            lastFailure = null;
        } catch (RuntimeException | Error e) {
            if (!e.toString().equals(lastFailure)) {
                lastFailure = e.toString();
                log.warn("the check cycle pool cannot change its size ({} threads now): {}", threads(), lastFailure);
            }
        }
    }

    /**
     * Grows when every thread is in a cycle and the next cycle due waits: by the cycles already due, at
     * least doubling what it has beyond its base. Shrinks, after a calm second, to one thread more than
     * were in a cycle at once during it (never below its base).
     */
    private void resize() {
        int size = pool.getCorePoolSize();
        int active = pool.getActiveCount();
        peakActive = Math.max(peakActive, active);
        if (active >= size && overdueNanos() > LATE.toNanos()) {
            calmTicks = 0;
            peakActive = 0;
            int grown = Math.max(size, pool.getPoolSize()) + Math.max(dueNow(), Math.max(1, size - base));
            if (size < max) {
                pool.setCorePoolSize(Math.min(max, grown));
            }
            return;
        }
        if (++calmTicks >= CALM_TICKS_BEFORE_SHRINKING) {
            int target = Math.max(base, peakActive + 1);
            if (target < size) {
                pool.setCorePoolSize(target);
            }
            calmTicks = 0;
            peakActive = 0;
        }
    }

    private long overdueNanos() {
        if (pool.getQueue().peek() instanceof RunnableScheduledFuture<?> next) {
            return -next.getDelay(TimeUnit.NANOSECONDS);
        }
        return 0;
    }

    /** Cycles due and not started (the queue is a heap: every entry is looked at). */
    private int dueNow() {
        int due = 0;
        for (Runnable task : pool.getQueue()) {
            if (task instanceof RunnableScheduledFuture<?> next && next.getDelay(TimeUnit.NANOSECONDS) <= 0) {
                due++;
            }
        }
        return due;
    }

    private static ThreadFactory daemonThreads(IntFunction<String> name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name.apply(count.incrementAndGet()));
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops timing; interrupts the cycles that run. */
    @Override
    public void close() {
        monitor.shutdownNow();
        pool.shutdownNow();
    }
}
