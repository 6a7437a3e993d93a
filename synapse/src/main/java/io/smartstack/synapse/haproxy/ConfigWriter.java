package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.process.ConfigInstaller;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs config texts on its own thread ({@code haproxy-config-writer}), so that the config check
 * ({@code haproxy -c}, tens of milliseconds) never delays a runtime change. Texts submitted while one
 * is being checked are coalesced: only the latest is installed. A caller that needs the result (before
 * a reload) waits for it.
 */
final class ConfigWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWriter.class);

    /** What became of a text: installed (or already there), refused by the check, or replaced by a newer one. */
    enum Outcome {
        INSTALLED,
        CHECK_FAILED,
        SUPERSEDED,
        FAILED
    }

    private final ConfigInstaller installer;
    private final HaproxyMetrics metrics;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread writer = new Thread(runnable, "haproxy-config-writer");
        writer.setDaemon(true);
        return writer;
    });
    private final AtomicReference<String> latest = new AtomicReference<>();
    private volatile String lastFailedText;
    private volatile String lastCheckFailure = "";

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
        latest.set(text);
        return CompletableFuture.supplyAsync(() -> install(text), thread);
    }

    /** Installs {@code text} and waits for the outcome. */
    Outcome installNow(String text) {
        return submit(text).join();
    }

    String lastCheckFailure() {
        return lastCheckFailure;
    }

    private Outcome install(String text) {
        if (!text.equals(latest.get())) {
            return Outcome.SUPERSEDED;
        }
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
                LOG.debug("installed {}", installer.configFile());
            }
            lastFailedText = null;
            lastCheckFailure = "";
            return Outcome.INSTALLED;
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot install {}: {}", installer.configFile(), e.getMessage());
            return Outcome.FAILED;
        }
    }

    @Override
    public void close() {
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
