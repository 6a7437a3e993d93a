package io.smartstack.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The HAProxy a Synapse with {@code manage: true} runs: master pid from its pid file, worker pids. */
public final class ManagedHaproxy {
    private ManagedHaproxy() {}

    public static Optional<Long> masterPid(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() || lines.get(0).isBlank()
                    ? Optional.empty()
                    : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The live worker processes of the master in {@code pidFile}. */
    public static List<Long> workerPids(Path pidFile) {
        return masterPid(pidFile)
                .flatMap(ProcessHandle::of)
                .map(master -> master.children()
                        .filter(ProcessHandle::isAlive)
                        .map(ProcessHandle::pid)
                        .sorted()
                        .toList())
                .orElse(List.of());
    }

    /** Stops the master in {@code pidFile} and its workers (SIGTERM, then SIGKILL), if it runs HAProxy. */
    static void stop(Path pidFile) {
        Optional<ProcessHandle> master =
                masterPid(pidFile).flatMap(ProcessHandle::of).filter(ManagedHaproxy::isHaproxy);
        if (master.isEmpty()) {
            return;
        }
        List<ProcessHandle> workers = master.get().descendants().toList();
        master.get().destroy();
        try {
            master.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            master.get().destroyForcibly();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    private static boolean isHaproxy(ProcessHandle process) {
        return process.info()
                .command()
                .map(command -> command.contains("haproxy"))
                .orElse(true);
    }
}
