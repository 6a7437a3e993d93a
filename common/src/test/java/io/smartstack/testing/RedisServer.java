package io.smartstack.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real redis-server (Debian's package) on a free loopback port, without persistence. Optionally a
 * replica of another, or with a password.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final ExternalProcess process;

    private RedisServer(int port, ExternalProcess process) {
        this.port = port;
        this.process = process;
    }

    public static RedisServer start(Path directory) {
        return start(directory, List.of());
    }

    /** Starts a server; {@code extraArguments} are redis-server options such as {@code --requirepass s3cret}. */
    public static RedisServer start(Path directory, List<String> extraArguments) {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(
                executable(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                directory.toString(),
                "--protected-mode",
                "no"));
        command.addAll(extraArguments);
        ExternalProcess process = ExternalProcess.start("redis-" + port, command, directory);
        process.awaitPort(port, Duration.ofSeconds(20));
        return new RedisServer(port, process);
    }

    /** Starts a replica of {@code master}. */
    public static RedisServer startReplicaOf(RedisServer master, Path directory) {
        return start(directory, List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
    }

    public int port() {
        return port;
    }

    public ExternalProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    private static String executable() {
        for (String candidate :
                List.of("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server")) {
            if (java.nio.file.Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "redis-server";
    }
}
