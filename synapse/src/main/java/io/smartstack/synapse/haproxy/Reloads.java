package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.process.CommandReloader;
import io.smartstack.synapse.haproxy.process.ConfigInstaller;
import io.smartstack.synapse.haproxy.process.ManagedHaproxy;
import io.smartstack.synapse.haproxy.process.Reloader;
import io.smartstack.synapse.haproxy.runtime.ReloadReason;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads HAProxy when asked, at most once per {@code restart_interval}: requests that arrive in the
 * meantime are coalesced into one deferred reload carrying all their reasons, unless a backend would
 * answer 503 until then ({@code EMPTY_BACKEND}): that reload happens at once. Just before reloading,
 * the running servers' state is written to the server-state file so the new worker keeps it. Runs on
 * the generator's thread.
 */
final class Reloads {
    private static final Logger LOG = LoggerFactory.getLogger(Reloads.class);
    private static final int HISTORY = 10;

    /** One reload, for the status page. */
    record Done(Instant at, List<String> reasons, String result) {}

    private final HaproxySettings settings;
    private final HaproxyMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Optional<Reloader> reloader;
    private final List<RuntimeEndpoint> endpoints;
    private final Runnable afterReload;
    private final ReloadLimiter limiter;
    private final List<ReloadReason> pending = new ArrayList<>();
    private final Deque<Done> history = new ArrayDeque<>();
    private ScheduledFuture<?> deferred;
    private int count;

    Reloads(
            HaproxySettings settings,
            HaproxyMetrics metrics,
            Clock clock,
            ScheduledExecutorService executor,
            Optional<ManagedHaproxy> managed,
            List<RuntimeEndpoint> endpoints,
            Runnable afterReload) {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = executor;
        this.endpoints = endpoints;
        this.afterReload = afterReload;
        this.reloader = managed.<Reloader>map(haproxy -> haproxy)
                .or(() -> settings.reloads().reloadCommand().map(CommandReloader::new));
        HaproxySettings.Reloads reloads = settings.reloads();
        this.limiter =
                new ReloadLimiter(reloads.restartInterval(), reloads.restartJitter(), () -> ThreadLocalRandom.current()
                        .nextDouble());
    }

    void request(List<ReloadReason> reasons) {
        for (ReloadReason reason : reasons) {
            if (pending.stream().noneMatch(known -> known.sentence().equals(reason.sentence()))) {
                pending.add(reason);
            }
        }
        if (!settings.reloads().doReloads() || reloader.isEmpty()) {
            LOG.info("HAProxy needs a reload but do_reloads is false: {}", pending);
            pending.clear();
            return;
        }
        Duration delay = limiter.delay(clock.instant());
        boolean urgent = reasons.stream().anyMatch(reason -> reason.kind() == ReloadReason.Kind.EMPTY_BACKEND);
        if (delay.isZero()) {
            reloadNow();
        } else if (urgent) {
            LOG.info("reloading before restart_interval has passed: a backend has no server until then");
            reloadNow();
        } else if (deferred == null) {
            LOG.info("reload deferred by {} (restart_interval): {}", delay, pending);
            deferred = executor.schedule(this::deferredReload, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void deferredReload() {
        deferred = null;
        try {
            reloadNow();
        } catch (RuntimeException e) {
            LOG.error("deferred reload failed", e);
        }
    }

    private void reloadNow() {
        if (pending.isEmpty()) {
            return;
        }
        List<ReloadReason> reasons = List.copyOf(pending);
        writeServerState();
        Instant now = clock.instant();
        limiter.reloaded(now);
        try {
            String result = reloader.orElseThrow().reload();
            count++;
            pending.clear();
            metrics.reloaded(reasons.get(0));
            history.addFirst(
                    new Done(now, reasons.stream().map(ReloadReason::sentence).toList(), result));
            while (history.size() > HISTORY) {
                history.removeLast();
            }
            LOG.info("reloaded HAProxy ({}) because: {}", result, reasons);
            afterReload.run();
        } catch (IOException | RuntimeException e) {
            metrics.reloadFailed();
            LOG.error("HAProxy reload failed, retrying after restart_interval: {}", e.getMessage());
            Duration retry = settings.reloads().restartInterval().compareTo(Duration.ofSeconds(1)) < 0
                    ? Duration.ofSeconds(1)
                    : settings.reloads().restartInterval();
            if (deferred == null) {
                deferred = executor.schedule(this::deferredReload, retry.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Writes {@code show servers state} to the server-state file, so the new worker starts where the old one was. */
    private void writeServerState() {
        Optional<Path> file = settings.files().serverStateFile();
        if (file.isEmpty() || endpoints.isEmpty()) {
            return;
        }
        try {
            String state = endpoints.get(0).serversStateText();
            ConfigInstaller.writeAtomically(file.get(), state.endsWith("\n") ? state : state + "\n");
        } catch (IOException e) {
            LOG.warn("cannot write the server-state file {}: {}", file.get(), e.getMessage());
        }
    }

    Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("reloads", count);
        status.put(
                "pendingReloadReasons",
                pending.stream().map(ReloadReason::sentence).toList());
        List<Map<String, Object>> last = new ArrayList<>();
        for (Done done : history) {
            last.add(Map.of("at", done.at().toString(), "reasons", done.reasons(), "result", done.result()));
        }
        status.put("lastReloads", last);
        return status;
    }
}
