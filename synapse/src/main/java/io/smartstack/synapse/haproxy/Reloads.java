package io.smartstack.synapse.haproxy;

import io.smartstack.common.file.AtomicFile;
import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.process.CommandReloader;
import io.smartstack.synapse.haproxy.process.ManagedHaproxy;
import io.smartstack.synapse.haproxy.process.Reloader;
import io.smartstack.synapse.haproxy.runtime.HaproxyRuntime;
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
    private static final Duration NEW_WORKER = Duration.ofSeconds(10);

    /** One reload, for the status page. */
    record Done(Instant at, List<String> reasons, String result) {}

    private final HaproxySettings settings;
    private final HaproxyMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Optional<Reloader> reloader;
    private final HaproxyRuntime runtime;
    private final Runnable afterReload;
    private final ReloadLimiter limiter;
    private final List<ReloadReason> pending = new ArrayList<>();
    private final Deque<Done> history = new ArrayDeque<>();
    private ScheduledFuture<?> deferred;
    private int count;
    private String lastFailure = "";

    Reloads(
            HaproxySettings settings,
            HaproxyMetrics metrics,
            Clock clock,
            ScheduledExecutorService executor,
            Optional<ManagedHaproxy> managed,
            HaproxyRuntime runtime,
            Runnable afterReload) {
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = executor;
        this.runtime = runtime;
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
        Optional<Long> workerBefore = firstSocket().flatMap(runtime::workerPid);
        runtime.release();
        Instant now = clock.instant();
        limiter.reloaded(now);
        try {
            String result = reloader.orElseThrow().reload();
            result += awaitNewWorker(workerBefore);
            lastFailure = "";
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
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                LOG.error("HAProxy reload failed, retrying after restart_interval: {}", e.getMessage());
            }
            lastFailure = String.valueOf(e.getMessage());
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
        Optional<String> state = firstSocket().flatMap(runtime::serversState);
        if (file.isEmpty() || state.isEmpty()) {
            return;
        }
        try {
            String text = state.get();
            AtomicFile.write(file.get(), text.endsWith("\n") ? text : text + "\n");
        } catch (IOException e) {
            LOG.warn("cannot write the server-state file {}: {}", file.get(), e.getMessage());
        }
    }

    private Optional<String> firstSocket() {
        return runtime.sockets().stream().findFirst();
    }

    /**
     * Waits (up to {@link #NEW_WORKER}) until a process other than {@code before} answers on the first
     * stats socket, so that the next pass reads the new worker, not the old one that is stopping. A
     * reload command returns before its new process serves (a master CLI {@code reload}, a signal).
     */
    private String awaitNewWorker(Optional<Long> before) throws IOException {
        Optional<String> socket = firstSocket();
        if (socket.isEmpty() || before.isEmpty()) {
            return "";
        }
        long deadline = System.nanoTime() + NEW_WORKER.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> now = runtime.workerPid(socket.get());
            if (now.isPresent() && !now.equals(before)) {
                runtime.replaced(before.get());
                return "; worker pid " + before.get() + " -> " + now.get();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(
                    Duration.ofMillis(20).toNanos());
        }
        throw new IOException("the reload left the same worker (pid " + before.get() + ") answering on " + socket.get()
                + " after " + NEW_WORKER.toSeconds() + " s");
    }

    /** Why the last reload failed; empty when it succeeded (or none was tried). */
    String lastFailure() {
        return lastFailure;
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
        status.put("lastReloadFailure", lastFailure);
        return status;
    }
}
