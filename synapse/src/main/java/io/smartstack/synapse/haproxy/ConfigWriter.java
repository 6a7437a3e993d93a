package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.process.ConfigInstaller;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs config texts on its own thread ({@code haproxy-config-writer}), so that the config check
 * ({@code haproxy -c}, tens of milliseconds, longer for a large config) never delays a runtime change.
 * Texts submitted while one is being checked are coalesced: only the latest is installed. A caller
 * that needs the result (before a reload) waits for it. Texts of runtime-only changes ({@link
 * #submitLater}) are rendered on this thread and installed at most once per {@link #SPACING}, or
 * per four times the last install's duration when that is longer (a large config's check): under a
 * stream of changes the file follows within that time, and rendering and checking take at most a
 * fifth of a core. An install that fails with an I/O error (the config directory not writable, a
 * full disk) is kept as {@link #lastInstallFailure()} and the latest text is tried again every
 * {@link #IO_RETRY} until it is installed; each distinct error is logged once, the recovery once.
 */
final class ConfigWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWriter.class);
    static final Duration IO_RETRY = Duration.ofSeconds(1);

    /** What became of a text: installed (or already there), refused by the check, or replaced by a newer one. */
    enum Outcome {
        INSTALLED,
        CHECK_FAILED,
        SUPERSEDED,
        FAILED
    }

    private final ConfigInstaller installer;
    private final HaproxyMetrics metrics;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread writer = new Thread(runnable, "haproxy-config-writer");
        writer.setDaemon(true);
        return writer;
    });
    static final Duration SPACING = Duration.ofSeconds(1);
    private final AtomicReference<Supplier<String>> latest = new AtomicReference<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread writer = new Thread(runnable, "haproxy-config-writer-timer");
        writer.setDaemon(true);
        return writer;
    });
    private boolean laterScheduled;
    private volatile long lastInstallNanos = System.nanoTime() - SPACING.toNanos();
    private volatile long lastInstallTook;
    private volatile String lastFailedText;
    private volatile String lastCheckFailure = "";
    private volatile String lastInstallFailure = "";
    private volatile ScheduledFuture<?> retry;

    private final Quarantine quarantine;
    private final Runnable isolated;

    /**
     * @param quarantine where server lines the check names are put, so the rest installs
     * @param isolated called (on the writer thread) after a text was installed without such lines
     */
    ConfigWriter(ConfigInstaller installer, HaproxyMetrics metrics, Quarantine quarantine, Runnable isolated) {
        this.installer = installer;
        this.metrics = metrics;
        this.quarantine = quarantine;
        this.isolated = isolated;
    }

    CompletableFuture<Outcome> submit(String text) {
        Supplier<String> supplier = () -> text;
        latest.set(supplier);
        return CompletableFuture.supplyAsync(() -> install(supplier), thread);
    }

    /**
     * Installs {@code text} (made on this thread) once the spacing since the last install has passed,
     * unless a newer text comes first; returns at once.
     */
    synchronized void submitLater(Supplier<String> text) {
        latest.set(text);
        if (laterScheduled) {
            return;
        }
        laterScheduled = true;
        // at least SPACING apart, and at most a fifth of the time spent installing (a large config's check)
        long spacing = Math.max(SPACING.toNanos(), 4 * lastInstallTook);
        long wait = Math.max(0, lastInstallNanos + spacing - System.nanoTime());
        try {
            timer.schedule(
                    () -> {
                        synchronized (this) {
                            laterScheduled = false;
                        }
                        Supplier<String> newest = latest.get();
                        thread.execute(() -> install(newest));
                    },
                    wait,
                    TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            laterScheduled = false;
        }
    }

    /** Installs {@code text} and waits for the outcome. */
    Outcome installNow(String text) {
        return submit(text).join();
    }

    String lastCheckFailure() {
        return lastCheckFailure;
    }

    /** Why the last install failed with an I/O error; empty when it did not. */
    String lastInstallFailure() {
        return lastInstallFailure;
    }

    private Outcome install(Supplier<String> supplier) {
        if (supplier != latest.get()) {
            return Outcome.SUPERSEDED;
        }
        long rendering = System.nanoTime();
        String text;
        try {
            text = supplier.get();
        } catch (RuntimeException e) {
            LOG.error("cannot render {}: {}", installer.configFile(), e.getMessage());
            return Outcome.FAILED;
        }
        try {
            return install(text);
        } finally {
            lastInstallNanos = System.nanoTime();
            lastInstallTook = lastInstallNanos - rendering;
        }
    }

    private Outcome install(String text) {
        if (text.equals(lastFailedText)) {
            return Outcome.CHECK_FAILED;
        }
        try {
            ConfigInstaller.Result result = installer.install(text);
            String candidate = text;
            boolean removed = false;
            for (int round = 0;
                    round < Quarantine.MAX_ROUNDS && result.outcome() == ConfigInstaller.Outcome.CHECK_FAILED;
                    round++) {
                Optional<String> without = quarantine.isolate(candidate, result.detail());
                if (without.isEmpty()) {
                    break;
                }
                metrics.checkFailed();
                candidate = without.get();
                removed = true;
                result = installer.install(candidate);
            }
            if (removed && result.outcome() != ConfigInstaller.Outcome.CHECK_FAILED) {
                isolated.run();
            }
            if (result.outcome() == ConfigInstaller.Outcome.CHECK_FAILED) {
                metrics.checkFailed();
                lastFailedText = text;
                lastCheckFailure = result.detail();
                LOG.error(
                        "candidate HAProxy config failed its check, kept as {}; the installed config and the "
                                + "running HAProxy are unchanged: {}",
                        installer.failedFile(),
                        result.detail());
                return Outcome.CHECK_FAILED;
            }
            if (result.outcome() == ConfigInstaller.Outcome.INSTALLED) {
                if (installer.checks()) {
                    metrics.checkPassed();
                }
                LOG.debug("installed {}", installer.configFile());
            }
            lastFailedText = null;
            lastCheckFailure = "";
            if (!lastInstallFailure.isEmpty()) {
                LOG.info("installed {} again after: {}", installer.configFile(), lastInstallFailure);
                lastInstallFailure = "";
            }
            return Outcome.INSTALLED;
        } catch (IOException | RuntimeException e) {
            String failure = "cannot install " + installer.configFile() + ": " + describe(e);
            if (!failure.equals(lastInstallFailure)) {
                LOG.error("{} (tried again every {} ms)", failure, IO_RETRY.toMillis());
            }
            lastInstallFailure = failure;
            scheduleRetry();
            return Outcome.FAILED;
        }
    }

    /** Runs on the writer thread: tries the latest text again, unless a newer install already did. */
    private void scheduleRetry() {
        if (retry != null && !retry.isDone()) {
            return;
        }
        try {
            retry = thread.schedule(
                    () -> {
                        Supplier<String> newest = latest.get();
                        if (newest != null && !lastInstallFailure.isEmpty()) {
                            install(newest);
                        }
                    },
                    IO_RETRY.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the writer is closing: nothing to retry for
        }
    }

    private static String describe(Exception e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        ScheduledFuture<?> pending = retry;
        if (pending != null) {
            pending.cancel(false);
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
