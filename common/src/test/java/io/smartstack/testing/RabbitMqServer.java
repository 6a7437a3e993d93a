package io.smartstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private rabbitmq-server (Debian's package) on free loopback ports: its own node name, AMQP port,
 * distribution port and epmd port, with mnesia, logs, config and Erlang cookie in {@code directory}.
 * {@link #close()} stops the broker and the epmd it started. Takes about 5 s to start.
 */
public final class RabbitMqServer implements AutoCloseable {
    private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");

    private final int port;
    private final int epmdPort;
    private final Path directory;
    private final Map<String, String> environment;
    private ExternalProcess process;

    private RabbitMqServer(int port, int epmdPort, Path directory, Map<String, String> environment) {
        this.port = port;
        this.epmdPort = epmdPort;
        this.directory = directory;
        this.environment = environment;
    }

    /** Starts a broker with the guest user allowed from loopback. */
    public static RabbitMqServer start(Path directory) {
        return start(directory, List.of());
    }

    /** Starts a broker with extra rabbitmq.conf lines, e.g. a TLS listener and its {@code ssl_options}. */
    public static RabbitMqServer start(Path directory, List<String> extraConfigLines) {
        int port = FreePorts.next();
        int distributionPort = FreePorts.next();
        int epmdPort = FreePorts.next();
        try {
            Files.createDirectories(directory);
            Files.writeString(
                    directory.resolve("rabbitmq.conf"),
                    "listeners.tcp.default = 127.0.0.1:" + port + "\nloopback_users = none\n"
                            + "management_agent.disable_metrics_collector = true\n"
                            + String.join("\n", extraConfigLines) + "\n");
            Files.writeString(directory.resolve("enabled_plugins"), "[].\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> environment = Map.ofEntries(
                Map.entry("HOME", directory.toString()),
                Map.entry("RABBITMQ_NODE_PORT", Integer.toString(port)),
                Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
                Map.entry("RABBITMQ_DIST_PORT", Integer.toString(distributionPort)),
                Map.entry("ERL_EPMD_PORT", Integer.toString(epmdPort)),
                Map.entry("ERL_EPMD_ADDRESS", "127.0.0.1"),
                Map.entry("RABBITMQ_NODENAME", "test" + port + "@localhost"),
                Map.entry("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString()),
                Map.entry("RABBITMQ_LOG_BASE", directory.resolve("log").toString()),
                Map.entry("RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq").toString()),
                Map.entry(
                        "RABBITMQ_ENABLED_PLUGINS_FILE",
                        directory.resolve("enabled_plugins").toString()),
                Map.entry("RABBITMQ_ENABLED_PLUGINS", ""));
        RabbitMqServer server = new RabbitMqServer(port, epmdPort, directory, environment);
        server.startBroker();
        return server;
    }

    private void startBroker() {
        process = ExternalProcess.start("rabbitmq-" + port, List.of(SERVER.toString()), directory, environment);
        try {
            process.awaitPort(port, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** Stops the broker (its epmd keeps running until {@link #close()}); the port refuses connections. */
    public void stopBroker() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** Starts the broker again on the same port after {@link #stopBroker()}. */
    public void restartBroker() {
        stopBroker();
        startBroker();
    }

    @Override
    public void close() {
        stopBroker();
        try {
            ProcessBuilder builder = new ProcessBuilder("epmd", "-kill")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
            Process epmd = builder.start();
            epmd.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop epmd on port " + epmdPort, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
