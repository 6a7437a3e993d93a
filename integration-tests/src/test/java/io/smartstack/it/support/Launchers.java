package io.smartstack.it.support;

import io.smartstack.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts the project's own launchers in {@code bin/} as separate OS processes, as a user would. */
public final class Launchers {
    private Launchers() {}

    /** The repository root (set by the build; falls back to the parent of the working directory). */
    public static Path root() {
        String configured = System.getProperty("smartstack.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    public static Path bin(String name) {
        Path launcher = root().resolve("bin").resolve(name);
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("launcher missing or not executable: " + launcher);
        }
        return launcher;
    }

    /** Starts {@code bin/<name> args...} with its output in {@code logs/<processName>.log}. */
    public static ExternalProcess start(String name, String processName, List<String> arguments, Path logs) {
        return start(name, processName, arguments, logs, Map.of());
    }

    public static ExternalProcess start(
            String name, String processName, List<String> arguments, Path logs, Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(bin(name).toString());
        command.addAll(arguments);
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.putIfAbsent("JAVA_OPTS", "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        return ExternalProcess.start(processName, command, logs, env);
    }

    /** Runs {@code bin/<name> args...} to completion and returns its exit code and output. */
    public static Result run(String name, List<String> arguments, Path logs, java.time.Duration timeout) {
        String processName = name + "-" + System.nanoTime();
        try (ExternalProcess process = start(name, processName, arguments, logs)) {
            boolean exited = process.process().waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!exited) {
                throw new IllegalStateException(name + " " + arguments + " did not finish within " + timeout
                        + "; output:\n" + process.logText());
            }
            return new Result(process.process().exitValue(), process.logText());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public record Result(int exitCode, String output) {}
}
