package io.smartstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real OS process started by a test (redis-server, rabbitmq-server, haproxy, a daemon under test),
 * with its output in a log file. {@link #close()} stops it and every process it started, also when the
 * test failed; use it in try-with-resources or an {@code @AfterEach}.
 */
public final class ExternalProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    /** Every process started in this JVM, oldest first: {@link ProcessLogsOnFailure} reports their logs. */
    private static final List<ExternalProcess> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ExternalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** How many processes this JVM started so far. */
    static int startedCount() {
        return STARTED.size();
    }

    /** The processes started after the first {@code count}. */
    static List<ExternalProcess> startedSince(int count) {
        return List.copyOf(STARTED.subList(Math.min(count, STARTED.size()), STARTED.size()));
    }

    /** Starts {@code command}; its stdout and stderr go to a log file under {@code logDirectory}. */
    public static ExternalProcess start(
            String name, List<String> command, Path logDirectory, Map<String, String> environment) {
        try {
            Files.createDirectories(logDirectory);
            Path log = logDirectory.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            ExternalProcess started = new ExternalProcess(name, builder.start(), log);
            STARTED.add(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public static ExternalProcess start(String name, List<String> command, Path logDirectory) {
        return start(name, command, logDirectory, Map.of());
    }

    /** Waits until something accepts connections on 127.0.0.1:{@code port}, or fails with the log. */
    public ExternalProcess awaitPort(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on "
                        + port + "; log:\n" + logText());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException(
                name + " did not listen on " + port + " within " + timeout + "; log:\n" + logText());
    }

    /** Waits until the process's log contains {@code text} (its readiness line), or fails with the log. */
    public ExternalProcess awaitLogLine(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logText().contains(text)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before logging '"
                        + text + "'; log:\n" + logText());
            }
            sleep(50);
        }
        throw new IllegalStateException(
                name + " did not log '" + text + "' within " + timeout + "; log:\n" + logText());
    }

    /** The process's name and the last {@code lines} lines of its log, for a failure message. */
    public String describe(int lines) {
        List<String> all = logText().lines().toList();
        List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
        return name + " (" + (process.isAlive() ? "running" : "exited with " + process.exitValue()) + "), last "
                + tail.size() + " lines of " + log + ":\n" + String.join("\n", tail);
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Sends SIGKILL to the process alone (its children are left, as after a crash). */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    public int terminate(Duration timeout) {
        process.destroy();
        if (!waitFor(timeout)) {
            throw new IllegalStateException(name + " did not exit within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        if (!waitFor(Duration.ofSeconds(10))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(5));
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The exit code and output of a process that ran to completion. */
    public record Result(int exitCode, String output) {}

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
