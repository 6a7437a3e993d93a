package io.smartstack.synapse.haproxy.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Reloads an externally managed HAProxy with {@code reload_command}, run by {@code /bin/sh -c}. */
public final class CommandReloader implements Reloader {
    private final String command;

    public CommandReloader(String command) {
        this.command = command;
    }

    @Override
    public String reload() throws IOException {
        CommandResult result = CommandResult.run(List.of("/bin/sh", "-c", command), Duration.ofSeconds(60));
        if (result.exitCode() != 0) {
            throw new IOException("reload_command '" + command + "' exited with " + result.exitCode() + ": "
                    + result.output().strip());
        }
        return "reload_command '" + command + "' succeeded";
    }
}
