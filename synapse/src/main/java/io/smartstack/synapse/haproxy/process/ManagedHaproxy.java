package io.smartstack.synapse.haproxy.process;

import io.smartstack.synapse.haproxy.config.HaproxySettings.Managed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A master-worker HAProxy that Synapse starts itself ({@code haproxy -W -D -S <master socket> -p <pid
 * file>}). Daemonized, in its own session: it keeps serving when Synapse dies, even by kill -9. A new
 * Synapse adopts it through the pid file and the master socket instead of starting another. Reloads
 * go through the master CLI ({@code reload}), retried while the master re-executes, and are confirmed
 * by the master's reload counter. Never stopped by Synapse, except by {@link #stop()} (tests, tools).
 * Not thread-safe: one owner thread.
 */
public final class ManagedHaproxy implements Reloader {
    private static final Duration STARTUP = Duration.ofSeconds(15);
    private final Managed settings;
    private final Path configFile;
    private final MasterCli cli;
    private long masterPid = -1;

    public ManagedHaproxy(Managed settings, Path configFile) {
        this.settings = settings;
        this.configFile = configFile;
        this.cli = new MasterCli(settings.masterSocket());
    }

    /** Takes over an HAProxy left running by an earlier Synapse: its pid file names a live master that answers. */
    public Optional<Long> adopt() {
        Optional<Long> pid = readPidFile();
        if (pid.isEmpty() || !alive(pid.get())) {
            return Optional.empty();
        }
        try {
            ProcessList processes = cli.showProc();
            if (processes.masterPid() != pid.get()) {
                return Optional.empty();
            }
            masterPid = pid.get();
            return pid;
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Starts HAProxy on the installed config file and waits until its master answers with a worker. */
    public long start() throws IOException {
        Path log = settings.pidFile().resolveSibling(settings.pidFile().getFileName() + ".log");
        Files.createDirectories(settings.pidFile().toAbsolutePath().getParent());
        Files.deleteIfExists(settings.pidFile());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        List<String> command = List.of(
                settings.haproxyPath(),
                "-W",
                "-D",
                "-S",
                settings.masterSocket().toString(),
                "-p",
                settings.pidFile().toString(),
                "-f",
                configFile.toString());
        Process launcher = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!launcher.waitFor(STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
                launcher.destroyForcibly();
                throw new IOException("haproxy did not daemonize within " + STARTUP + ": " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting haproxy", e);
        }
        if (launcher.exitValue() != 0) {
            throw new IOException("haproxy exited with " + launcher.exitValue() + " at start: " + tail(log, logStart));
        }
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> pid = readPidFile();
            if (pid.isPresent()) {
                try {
                    ProcessList processes = cli.showProc();
                    if (!processes.workers().isEmpty()) {
                        masterPid = processes.masterPid();
                        return masterPid;
                    }
                } catch (IOException | IllegalArgumentException notYet) {
                    // the master is still starting
                }
            }
            pause(20);
        }
        throw new IOException("haproxy master did not answer on " + settings.masterSocket() + " within " + STARTUP
                + ": " + tail(log, logStart));
    }

    public boolean isAlive() {
        return masterPid > 0 && alive(masterPid);
    }

    public long masterPid() {
        return masterPid;
    }

    public ProcessList processes() throws IOException {
        return cli.showProc();
    }

    @Override
    public String reload() throws IOException {
        ProcessList before = retry(cli::showProc, Duration.ofSeconds(5));
        retry(() -> cli.execute("reload"), Duration.ofSeconds(5));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ProcessList after = cli.showProc();
                if (after.failedReloads() > before.failedReloads()) {
                    throw new IOException("the master reports a failed reload (" + after.failedReloads()
                            + " failed so far); the old worker keeps serving");
                }
                if (after.reloads() > before.reloads()
                        && !after.workers().isEmpty()
                        && !after.workers().equals(before.workers())) {
                    return "worker " + before.workers() + " replaced by " + after.workers();
                }
            } catch (IOException | IllegalArgumentException reexecuting) {
                if (reexecuting.getMessage() != null && reexecuting.getMessage().startsWith("the master reports")) {
                    throw reexecuting;
                }
            }
            pause(10);
        }
        throw new IOException("reload not confirmed by the master within 20s");
    }

    /** Stops HAProxy (SIGTERM to the master, which stops its workers). Synapse itself never calls this. */
    public void stop() {
        readPidFile().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            process.onExit()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .exceptionally(error -> {
                        process.destroyForcibly();
                        return process;
                    })
                    .join();
        }));
    }

    private Optional<Long> readPidFile() {
        try {
            String text = Files.readString(settings.pidFile(), StandardCharsets.US_ASCII)
                    .trim();
            return text.matches("\\d+") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private interface Attempt<T> {
        T call() throws IOException;
    }

    private static <T> T retry(Attempt<T> attempt, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return attempt.call();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause(20);
            }
        }
    }

    /** HAProxy's own lines written by this attempt (the log is appended to by every start). */
    private static String tail(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            int start = (int) Math.min(from, all.length);
            String text = new String(all, start, all.length - start, StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
