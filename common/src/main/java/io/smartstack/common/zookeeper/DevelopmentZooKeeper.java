package io.smartstack.common.zookeeper;

import io.smartstack.common.cli.ExitCodes;
import io.smartstack.common.cli.Logging;
import io.smartstack.common.cli.VersionProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/zookeeper-dev}: a real single-node ZooKeeper server (the ZooKeeper server classes, not a
 * fake) for demos and laptops. Production points at an ensemble instead.
 */
@Command(
        name = "zookeeper-dev",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs a single-node ZooKeeper server for development and demos (not for production).")
public final class DevelopmentZooKeeper implements Callable<Integer> {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--port", defaultValue = "2181", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(
            names = "--data",
            description = "Data directory, kept after exit. Default: a temporary directory removed at exit.")
    Path data;

    @Option(
            names = "--max-session-timeout",
            defaultValue = "60000",
            description = "Largest session timeout in ms a client may ask for (default: ${DEFAULT-VALUE}).")
    int maxSessionTimeoutMillis;

    @Option(names = "--log-level", defaultValue = "INFO", description = "Log level (default: ${DEFAULT-VALUE}).")
    String logLevel;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DevelopmentZooKeeper()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(logLevel);
        boolean temporary = data == null;
        Path dataDirectory = temporary ? Files.createTempDirectory("zookeeper-dev") : data;
        Files.createDirectories(dataDirectory);
        ServerConfig config = serverConfig(dataDirectory);
        StoppableServer server = new StoppableServer();
        Thread hook = new Thread(
                () -> {
                    server.stop();
                    if (temporary) {
                        deleteRecursively(dataDirectory);
                    }
                },
                "zookeeper-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread serving = new Thread(
                () -> {
                    try {
                        server.runFromConfig(config);
                    } catch (Exception e) {
                        failure.set(e);
                    }
                },
                "zookeeper-dev-server");
        serving.start();
        if (!awaitServing(serving)) {
            Exception cause = failure.get();
            System.err.printf(
                    "ZooKeeper (development) did not serve on %s:%d within %ds%s%n",
                    bind, port, READY_TIMEOUT.toSeconds(), cause == null ? "" : ": " + cause);
            return ExitCodes.FAILURE;
        }
        // Printed only once a client is served: scripts and tests wait for this line.
        System.out.printf("ZooKeeper (development) listening on %s:%d, data in %s%n", bind, port, dataDirectory);
        System.out.flush();
        serving.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return ExitCodes.OK;
    }

    /** Polls the server until it answers {@code srvr} with its mode; false if it stops or times out. */
    private boolean awaitServing(Thread serving) throws InterruptedException {
        String probeHost = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
        ServingProbe probe = new ServingProbe(probeHost, port);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && serving.isAlive()) {
            if (probe.serves()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private ServerConfig serverConfig(Path dataDirectory) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("dataDir", dataDirectory.toAbsolutePath().toString());
        properties.setProperty("clientPort", Integer.toString(port));
        properties.setProperty("clientPortAddress", bind);
        properties.setProperty("tickTime", "2000");
        properties.setProperty("minSessionTimeout", "1000");
        properties.setProperty("maxSessionTimeout", Integer.toString(maxSessionTimeoutMillis));
        properties.setProperty("maxClientCnxns", "0");
        properties.setProperty("admin.enableServer", "false");
        properties.setProperty("4lw.commands.whitelist", "ruok,stat,srvr,mntr");
        QuorumPeerConfig quorumConfig = new QuorumPeerConfig();
        quorumConfig.parseProperties(properties);
        ServerConfig config = new ServerConfig();
        config.readFrom(quorumConfig);
        return config;
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exposes the server's protected shutdown so Ctrl-C stops it cleanly. */
    private static final class StoppableServer extends ZooKeeperServerMain {
        void stop() {
            shutdown();
        }
    }
}
