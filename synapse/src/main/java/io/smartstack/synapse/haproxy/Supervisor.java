package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.process.ManagedHaproxy;
import io.smartstack.synapse.haproxy.process.StartBackoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a managed HAProxy ({@code manage: true}): adopts one left running by an earlier
 * Synapse, starts it when there is none, and starts it again whenever it failed to start or died,
 * forever, waiting 1 s doubling to 30 s between attempts ({@link StartBackoff}). Each distinct
 * failure is logged once with HAProxy's own lines. Without {@code manage}, HAProxy is someone else's
 * and always counts as running. Runs on the generator's thread.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Optional<ManagedHaproxy> managed;
    private final Path configFile;
    private final HaproxyMetrics metrics;
    private final Clock clock;
    private final StartBackoff backoff = new StartBackoff(FIRST_RETRY, MAX_RETRY);
    private boolean attempted;
    private boolean serving;
    private int restarts;

    Supervisor(HaproxySettings settings, HaproxyMetrics metrics, Clock clock) {
        this.configFile = settings.files().configFile();
        this.managed = settings.managed().map(m -> new ManagedHaproxy(m, configFile));
        this.metrics = metrics;
        this.clock = clock;
    }

    Optional<ManagedHaproxy> managed() {
        return managed;
    }

    void adopt() {
        managed.ifPresent(haproxy -> haproxy.adopt().ifPresent(pid -> {
            attempted = true;
            serving = true;
            LOG.info("adopted the running HAProxy (master pid {}) started earlier", pid);
        }));
    }

    /** False only for a managed HAProxy that is not running. */
    boolean running() {
        return managed.map(ManagedHaproxy::isAlive).orElse(true);
    }

    /** Why the data plane is down, when a managed HAProxy is not running. */
    Optional<String> problem() {
        if (managed.isEmpty() || running()) {
            return Optional.empty();
        }
        return Optional.of("managed HAProxy is not running"
                + backoff.lastError().map(error -> ": " + error).orElse(""));
    }

    /**
     * Starts the managed HAProxy on the installed config, if that config is valid and the backoff
     * allows an attempt now. True when it runs afterwards.
     */
    boolean start(boolean configValid) {
        ManagedHaproxy haproxy = managed.orElseThrow();
        Instant now = clock.instant();
        if (!backoff.due(now)) {
            return false;
        }
        attempted = true;
        if (!configValid || !Files.exists(configFile)) {
            failed(now, "no valid config installed at " + configFile);
            return false;
        }
        try {
            long pid = haproxy.start();
            if (backoff.failures() > 0) {
                LOG.info(
                        "started HAProxy (master pid {}) on {} after {} failed attempts",
                        pid,
                        configFile,
                        backoff.failures());
            } else {
                LOG.info("started HAProxy (master pid {}) on {}", pid, configFile);
            }
            backoff.succeeded();
            serving = true;
            return true;
        } catch (IOException e) {
            failed(now, String.valueOf(e.getMessage()));
            return false;
        }
    }

    private void failed(Instant now, String error) {
        boolean fresh = backoff.failed(now, error);
        if (fresh) {
            LOG.error(
                    "cannot start HAProxy (retrying every {} s at most, logged again only when the error changes): {}",
                    MAX_RETRY.toSeconds(),
                    error);
        } else {
            LOG.debug("cannot start HAProxy (attempt {}, next in {}): {}", backoff.failures(), backoff.delay(), error);
        }
    }

    /**
     * Starts again a managed HAProxy that died or never started once a start was tried: {@code
     * reinstall} puts the last config back first. True when it runs again (the caller then re-applies
     * the state).
     */
    boolean restartIfDead(Runnable reinstall) {
        ManagedHaproxy haproxy = managed.orElseThrow();
        if (!attempted || haproxy.isAlive() || !backoff.due(clock.instant())) {
            return false;
        }
        if (serving) {
            serving = false;
            restarts++;
            metrics.restarted();
            LOG.error("HAProxy (master pid {}) is gone; restarting it", haproxy.masterPid());
        }
        reinstall.run();
        return start(Files.exists(configFile));
    }

    void status(Map<String, Object> status) {
        status.put("restarts", restarts);
        managed.ifPresent(haproxy -> {
            status.put("masterPid", haproxy.masterPid());
            status.put("running", haproxy.isAlive());
            status.put("failedStarts", backoff.failures());
            status.put("lastStartFailure", backoff.lastError().orElse(""));
        });
    }
}
