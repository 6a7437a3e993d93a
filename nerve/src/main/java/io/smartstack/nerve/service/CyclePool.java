package io.smartstack.nerve.service;

import java.time.Duration;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Where check cycles run: a scheduled pool whose threads time the cycles and run each on the thread
 * that timed it. There is no hand-off to another thread: with thousands of short checks a second,
 * waking a second thread for each check cost more than the checks themselves.
 *
 * <p>The pool grows when a cycle has to wait for a thread. Every {@link #TICK} a monitor thread looks:
 * when every thread is in a cycle (checks that hang until their timeout, or more checks than the
 * threads keep up with) and the next cycle due is more than {@link #LATE} overdue, the pool grows (one
 * thread, then doubling what it has beyond its base, up to its maximum). So a slow or hanging check
 * delays another service's cycle once, by about {@code TICK + LATE} at most. After a second in which
 * more than its base number of threads were idle at every look, it shrinks to the threads in a cycle
 * plus its base.
 */
public final class CyclePool implements AutoCloseable {
    private static final Duration TICK = Duration.ofMillis(50);
    private static final Duration LATE = Duration.ofMillis(25);
    private static final int CALM_TICKS_BEFORE_SHRINKING = 20;

    private final ScheduledThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor monitor;
    private final int base;
    private final int max;
    private int calmTicks;

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

    /** Runs {@code task} once after {@code delayNanos} on one of the pool's threads. */
    public ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return pool.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} after {@code initial}, then {@code delay} after each run ends. */
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration initial, Duration delay) {
        return pool.scheduleWithFixedDelay(task, initial.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Threads the pool may run now (its base plus what it grew by). */
    int threads() {
        return pool.getCorePoolSize();
    }

    /** One look of the monitor: grow when the next due cycle waits for a thread, shrink when calm. */
    private void adjust() {
        int size = pool.getCorePoolSize();
        int active = pool.getActiveCount();
        if (active >= size && overdueNanos() > LATE.toNanos()) {
            calmTicks = 0;
            if (size < max) {
                pool.setCorePoolSize(Math.min(max, size + Math.max(1, size - base)));
            }
            return;
        }
        if (size > base && active + base < size) {
            if (++calmTicks >= CALM_TICKS_BEFORE_SHRINKING) {
                calmTicks = 0;
                pool.setCorePoolSize(Math.max(base, active + base));
            }
        } else {
            calmTicks = 0;
        }
    }

    private long overdueNanos() {
        if (pool.getQueue().peek() instanceof RunnableScheduledFuture<?> next) {
            return -next.getDelay(TimeUnit.NANOSECONDS);
        }
        return 0;
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
