package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.render.HaproxyConfigRenderer;
import io.smartstack.synapse.haproxy.runtime.HaproxyRuntime;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code haproxy} generator: makes a local HAProxy route to exactly the desired backends, through
 * the runtime API whenever it can and with a validated, rate-limited, hitless reload only when it
 * must. All its work runs on one named thread ({@code haproxy-generator}): {@link #apply} hands the
 * state to it and waits, and the same thread finishes drains, runs deferred reloads and watches a
 * managed HAProxy. {@link #close()} stops that thread and never stops HAProxy.
 */
public final class HaproxyGenerator implements ConfigGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyGenerator.class);
    private static final Duration WAIT = Duration.ofMinutes(2);

    private enum Lifecycle {
        LATENT,
        STARTED,
        CLOSED
    }

    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    private final HaproxySettings settings;
    private final HaproxyConfigRenderer renderer;
    private final HaproxyMetrics metrics;
    private final Clock clock;
    private final HaproxyRuntime runtime;
    private ScheduledExecutorService executor;
    private Reconciliation reconciliation;

    /** @param runtime the stats sockets' owner; closed with this generator */
    HaproxyGenerator(
            HaproxySettings settings,
            HaproxyConfigRenderer renderer,
            HaproxyMetrics metrics,
            Clock clock,
            HaproxyRuntime runtime) {
        this.settings = settings;
        this.runtime = runtime;
        this.renderer = renderer;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public void start() throws Exception {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("haproxy generator already started or closed: " + lifecycle.get());
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "haproxy-generator");
            thread.setDaemon(true);
            return thread;
        });
        reconciliation = new Reconciliation(settings, renderer, metrics, clock, executor, runtime);
        call(() -> {
            reconciliation.start();
            return null;
        });
        settings.managed()
                .ifPresent(managed -> executor.scheduleWithFixedDelay(
                        guarded("watch managed HAProxy", reconciliation::watchManaged),
                        managed.healthInterval().toMillis(),
                        managed.healthInterval().toMillis(),
                        TimeUnit.MILLISECONDS));
    }

    @Override
    public void apply(DesiredState desired) {
        requireStarted();
        call(() -> {
            reconciliation.apply(desired);
            return null;
        });
    }

    @Override
    public Optional<String> preview(DesiredState desired) {
        if (lifecycle.get() != Lifecycle.STARTED) {
            return Optional.of(Reconciliation.renderStandalone(settings, renderer, desired));
        }
        return Optional.of(call(() -> reconciliation.preview(desired)));
    }

    HaproxySettings settings() {
        return settings;
    }

    @Override
    public Object status() {
        if (lifecycle.get() != Lifecycle.STARTED) {
            return Map.of("state", lifecycle.get().name().toLowerCase(java.util.Locale.ROOT));
        }
        return call(reconciliation::status);
    }

    @Override
    public void close() {
        Lifecycle previous = lifecycle.getAndSet(Lifecycle.CLOSED);
        if (previous != Lifecycle.STARTED) {
            if (previous == Lifecycle.LATENT) {
                runtime.close();
            }
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reconciliation.close();
    }

    private void requireStarted() {
        if (lifecycle.get() != Lifecycle.STARTED) {
            throw new IllegalStateException("haproxy generator is not started: " + lifecycle.get());
        }
    }

    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("haproxy generator failed to {}", what, e);
            }
        };
    }

    private <T> T call(Callable<T> task) {
        try {
            return executor.submit(task).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the haproxy generator", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(
                    "haproxy generator failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("haproxy generator did not answer within " + WAIT, e);
        }
    }
}
