package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.process.ManagedHaproxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a managed HAProxy ({@code manage: true}): adopts one left running by an earlier
 * Synapse, starts it when there is none, and restarts it when it died. Without {@code manage},
 * HAProxy is someone else's and always counts as running. Runs on the generator's thread.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final Optional<ManagedHaproxy> managed;
    private final Path configFile;
    private final HaproxyMetrics metrics;
    private boolean started;
    private int restarts;

    Supervisor(HaproxySettings settings, HaproxyMetrics metrics) {
        this.configFile = settings.files().configFile();
        this.managed = settings.managed().map(m -> new ManagedHaproxy(m, configFile));
        this.metrics = metrics;
    }

    Optional<ManagedHaproxy> managed() {
        return managed;
    }

    void adopt() {
        managed.ifPresent(haproxy -> haproxy.adopt().ifPresent(pid -> {
            started = true;
            LOG.info("adopted the running HAProxy (master pid {}) started earlier", pid);
        }));
    }

    /** False only for a managed HAProxy that is not running. */
    boolean running() {
        return managed.map(ManagedHaproxy::isAlive).orElse(true);
    }

    /** Starts the managed HAProxy on the installed config, if that config is valid. */
    void start(boolean configValid) {
        ManagedHaproxy haproxy = managed.orElseThrow();
        if (!configValid || !Files.exists(configFile)) {
            LOG.error("cannot start HAProxy: no valid config installed at {}", configFile);
            return;
        }
        try {
            long pid = haproxy.start();
            started = true;
            LOG.info("started HAProxy (master pid {}) on {}", pid, configFile);
        } catch (IOException e) {
            LOG.error("cannot start HAProxy: {}", e.getMessage());
        }
    }

    /**
     * Restarts a managed HAProxy that died after it was started or adopted: {@code reinstall} puts
     * the last config back first. True when it was restarted (the caller then re-applies the state).
     */
    boolean restartIfDead(Runnable reinstall) {
        ManagedHaproxy haproxy = managed.orElseThrow();
        if (!started || haproxy.isAlive()) {
            return false;
        }
        restarts++;
        metrics.restarted();
        LOG.error("HAProxy (master pid {}) is gone; restarting it", haproxy.masterPid());
        reinstall.run();
        start(Files.exists(configFile));
        return true;
    }

    void status(Map<String, Object> status) {
        status.put("restarts", restarts);
        managed.ifPresent(haproxy -> status.put("masterPid", haproxy.masterPid()));
    }
}
