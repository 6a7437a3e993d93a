package io.smartstack.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command run to completion with a timeout: its exit code and its output (stdout and stderr). */
record Command(List<String> arguments, int exitCode, String output) {
    static Command run(List<String> arguments, Map<String, String> environment, Duration timeout) {
        try {
            Path log = Files.createTempFile("command", ".log");
            try {
                ProcessBuilder builder =
                        new ProcessBuilder(arguments).redirectErrorStream(true).redirectOutput(log.toFile());
                // A null value removes the variable from the inherited environment.
                environment.forEach((key, value) -> {
                    if (value == null) {
                        builder.environment().remove(key);
                    } else {
                        builder.environment().put(key, value);
                    }
                });
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    throw new IllegalStateException(arguments + " did not finish within " + timeout + "; output:\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Command(arguments, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + arguments, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + arguments, e);
        }
    }

    static Command run(String... arguments) {
        return run(List.of(arguments), Map.of(), Duration.ofSeconds(60));
    }

    /** True when {@code program} is on the PATH. */
    static boolean available(String program) {
        return run("sh", "-c", "command -v " + program).exitCode() == 0;
    }

    @Override
    public String toString() {
        return arguments + " exited " + exitCode + ":\n" + output;
    }
}
