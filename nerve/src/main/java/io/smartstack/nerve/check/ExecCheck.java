package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program (no shell unless {@code shell: true}); exit status 0 is up. The process and its
 * children are killed at the timeout. The last line of its output (stdout and stderr) is the reason.
 */
final class ExecCheck implements HealthCheck {
    private static final int MAX_OUTPUT_BYTES = 16 * 1024;

    private final List<String> command;
    private final Duration timeout;
    private final java.util.Optional<String> directory;

    ExecCheck(CheckSpec.Exec spec, Duration timeout) {
        this.command = spec.shell() ? List.of("/bin/sh", "-c", spec.command().get(0)) : spec.command();
        this.timeout = timeout;
        this.directory = spec.directory();
    }

    @Override
    public CheckOutcome run() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        directory.ifPresent(d -> builder.directory(Path.of(d).toFile()));
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                return CheckOutcome.fail("killed after the timeout of " + timeout.toMillis() + "ms");
            }
            String lastLine = lastLine(process.getInputStream());
            int exit = process.exitValue();
            String reason = lastLine.isEmpty() ? "exit " + exit : lastLine;
            return exit == 0 ? CheckOutcome.pass(reason) : CheckOutcome.fail("exit " + exit + ": " + reason);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return CheckOutcome.fail("interrupted");
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String lastLine(InputStream output) throws IOException {
        // Only what is already there: a child left running in the background may hold the pipe open.
        byte[] bytes = output.readNBytes(Math.min(output.available(), MAX_OUTPUT_BYTES));
        List<String> lines = new String(bytes, StandardCharsets.UTF_8)
                .lines()
                .filter(line -> !line.isBlank())
                .toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
    }
}
