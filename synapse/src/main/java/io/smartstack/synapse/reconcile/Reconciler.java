package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.cache.StateCache;
import io.smartstack.synapse.config.SynapseConfig;
import io.smartstack.synapse.discovery.DiscoverySink;
import io.smartstack.synapse.discovery.DiscoverySnapshot;
import io.smartstack.synapse.metrics.SynapseMetrics;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of Synapse's state. Watchers hand it snapshots from any thread; it keeps only the latest
 * per service (a burst collapses into one), and on its single thread runs backend selection, builds the
 * {@link DesiredState} and hands it to every generator, only when it differs from the last one applied.
 *
 * <p>At startup (and after a config replacement) it waits until every service has reported once, or
 * {@link Settings#startupWait()} has passed, before the first apply, so a half-discovered state is never
 * installed. Every {@link Settings#refreshInterval()} it re-evaluates the state cache and rewrites it.
 */
public final class Reconciler implements DiscoverySink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final Duration STARTUP_STATUS_EVERY = Duration.ofMillis(100);

    /**
     * @param startupWait longest wait for every service's first discovery result before applying anyway
     * @param refreshInterval how often the state cache is refreshed and expired entries dropped
     * @param stateFile whether the state file is written, or only read ({@code synapse render})
     */
    public record Settings(Duration startupWait, Duration refreshInterval, StateFile stateFile) {
        public Settings(Duration startupWait, Duration refreshInterval) {
            this(startupWait, refreshInterval, StateFile.READ_WRITE);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60));
        }
    }

    public enum StateFile {
        READ_WRITE,
        READ_ONLY
    }

    private final Settings settings;
    private final SynapseMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Map<String, DiscoverySnapshot> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicReference<SynapseStatus> status = new AtomicReference<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Instant startedAt;
    // Owned by the reconciler thread:
    private final Map<String, ServiceEntry> services = new TreeMap<>();
    private final Map<String, SynapseStatus.RegistryStatus> registries = new TreeMap<>();
    private final ReconcilerApplier applier;
    private SynapseConfig config;
    private StateCache cache;
    private boolean ready;
    private boolean statusScheduled;
    private Instant readyDeadline;

    public Reconciler(Settings settings, SynapseMetrics metrics, Clock clock) {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.applier = new ReconcilerApplier(metrics, clock);
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "synapse-reconciler");
            t.setDaemon(true);
            return t;
        });
        status.set(new SynapseStatus(startedAt, false, Optional.empty(), Optional.empty(), 0, List.of(), Map.of()));
    }

    /** Starts the generators and takes {@code config}; a generator that fails to start fails this call. */
    public void start(SynapseConfig config, List<ConfigGenerator> generators) throws Exception {
        if (!started.compareAndSet(false, true) || closed.get()) {
            throw new IllegalStateException("reconciler already started or closed");
        }
        call(() -> {
            applier.startAll(generators);
            install(config);
            return null;
        });
        long refresh = settings.refreshInterval().toMillis();
        thread.scheduleWithFixedDelay(() -> safely(this::refresh), refresh, refresh, TimeUnit.MILLISECONDS);
    }

    /**
     * Replaces the config and the generators (a reload): the old generators are closed (which never stops
     * the data plane), the new ones started; services that stay keep their backends.
     */
    public void replace(SynapseConfig newConfig, List<ConfigGenerator> generators) throws Exception {
        call(() -> {
            applier.replace(generators);
            install(newConfig);
            return null;
        });
    }

    @Override
    public void discovered(String service, DiscoverySnapshot snapshot) {
        pending.merge(
                service,
                snapshot,
                (older, newer) -> new DiscoverySnapshot(
                        newer.backends(),
                        newer.generatorConfig(),
                        older.observedAt().isBefore(newer.observedAt()) ? older.observedAt() : newer.observedAt(),
                        newer.rejected()));
        if (drainScheduled.compareAndSet(false, true) && !closed.get()) {
            submit(() -> safely(this::drain));
        }
    }

    @Override
    public void registryConnection(String registry, RegistryState state) {
        if (closed.get()) {
            return;
        }
        submit(() -> safely(() -> {
            registries.put(
                    registry, new SynapseStatus.RegistryStatus(state.name().toLowerCase(Locale.ROOT), clock.instant()));
            metrics.registryConnection(registry, state == RegistryState.CONNECTED);
            publishStatus();
        }));
    }

    public SynapseStatus status() {
        return status.get();
    }

    /**
     * The reconciler's status and each generator's {@link ConfigGenerator#status()}, taken together on
     * the reconciler thread (bounded wait), so that both describe the same moment: read apart, a pass
     * running in between (a cold start's first apply takes seconds) would pair the status from before it
     * with the generators' from after it. When the thread does not answer in time, the last of each.
     */
    public Views views(Duration timeout) {
        try {
            return thread.submit(() -> new Views(status.get(), applier.generatorStatus()))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Views(status.get(), Map.of());
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return new Views(status.get(), applier.lastGeneratorStatus());
        }
    }

    /** The reconciler's status and the generators' status of one moment; see {@link #views}. */
    public record Views(SynapseStatus status, Map<String, Object> generators) {}

    /** The desired state last handed to the generators; empty before the first apply. */
    public Optional<DesiredState> desiredState() throws Exception {
        return call(applier::lastApplied);
    }

    private void install(SynapseConfig newConfig) {
        if (config == null || !config.stateCache().equals(newConfig.stateCache())) {
            cache = newConfig.stateCache().map(StateCache::load).orElse(null);
        }
        Map<String, ServiceEntry> previous = new LinkedHashMap<>(services);
        services.clear();
        Instant now = clock.instant();
        for (var service : newConfig.services()) {
            ServiceEntry entry = previous.get(service.name());
            if (entry == null) {
                entry = new ServiceEntry(service, cache == null ? List.of() : cache.remembered(service.name()));
            } else {
                entry.config = service;
                entry.dirty = true;
                if (entry.last.isPresent()) {
                    entry.select(entry.last.get().backends(), now);
                }
            }
            services.put(service.name(), entry);
        }
        if (cache != null) {
            cache.retain(services.keySet());
        }
        config = newConfig;
        ready = false;
        readyDeadline = now.plus(settings.startupWait());
        applier.forget();
        thread.schedule(() -> safely(this::reconcile), settings.startupWait().toMillis(), TimeUnit.MILLISECONDS);
        reconcile();
    }

    private void drain() {
        drainScheduled.set(false);
        Instant now = clock.instant();
        for (String service : new ArrayList<>(pending.keySet())) {
            DiscoverySnapshot snapshot = pending.remove(service);
            ServiceEntry entry = services.get(service);
            if (snapshot == null || entry == null) {
                continue;
            }
            metrics.registryEvent(service);
            entry.rejected(snapshot.rejected()).forEach(r -> metrics.rejected(service, r.reason()));
            entry.last = Optional.of(snapshot);
            entry.dirty = true;
            entry.quiet = !ready;
            if (entry.pendingSince.isEmpty()) {
                entry.pendingSince = Optional.of(snapshot.observedAt());
            }
            entry.select(snapshot.backends(), !snapshot.rejected().isEmpty(), now);
        }
        reconcile();
    }

    private void reconcile() {
        Instant now = clock.instant();
        if (!ready) {
            boolean allReported = services.values().stream().allMatch(e -> e.last.isPresent());
            if (!allReported && now.isBefore(readyDeadline)) {
                publishStatusSoon();
                return;
            }
            ready = true;
            services.values().stream().filter(e -> e.last.isEmpty()).forEach(e -> e.startWithoutDiscovery(now));
            long backends =
                    services.values().stream().mapToLong(e -> e.current.size()).sum();
            long reported =
                    services.values().stream().filter(e -> e.last.isPresent()).count();
            log.info(
                    "{} services ({} reported by discovery), {} backends: applying (backends of each service at DEBUG)",
                    services.size(),
                    reported,
                    backends);
        }
        if (cache != null) {
            services.values().forEach(e -> cache.record(e.name(), e.current, now));
        }
        DesiredState desired = DesiredStates.build(services.values(), config.generatorNames(), cache, now);
        applier.applyIfChanged(desired, services.values());
        if (cache != null) {
            saveCache();
        }
        publishStatus();
    }

    private void refresh() {
        if (ready) {
            if (cache != null) {
                cache.touch(clock.instant());
            }
            reconcile();
        }
    }

    private void saveCache() {
        if (settings.stateFile() == StateFile.READ_WRITE) {
            cache.save();
        }
    }

    private void publishStatus() {
        status.set(StatusBuilder.build(startedAt, ready, services.values(), applier, registries));
    }

    /**
     * The status while services are still reporting their first discovery, at most every {@link
     * #STARTUP_STATUS_EVERY}: at a thousand services, building it after each report would compete with
     * the startup itself.
     */
    private void publishStatusSoon() {
        if (statusScheduled) {
            return;
        }
        try {
            thread.schedule(
                    () -> safely(() -> {
                        statusScheduled = false;
                        publishStatus();
                    }),
                    STARTUP_STATUS_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            statusScheduled = true;
        } catch (RejectedExecutionException closing) {
            // the reconciler is closing: its status no longer changes
        }
    }

    /** Hands a task to the reconciler thread; after close, tasks are dropped (watchers may still call in). */
    private void submit(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("reconciler closed; dropping a late event");
        }
    }

    private <T> T call(Callable<T> task) throws Exception {
        try {
            return thread.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("reconciler step failed; state is kept and retried on the next change", e);
        }
    }

    /** Closes the generators (never stopping the data plane) and writes the state cache one last time. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.submit(() -> {
                        if (cache != null) {
                            saveCache();
                        }
                        applier.closeAll();
                    })
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("closing the generators did not finish cleanly: {}", e.toString());
        } finally {
            thread.shutdownNow();
        }
    }
}
