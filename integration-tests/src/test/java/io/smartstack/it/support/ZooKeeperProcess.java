package io.smartstack.it.support;

import io.smartstack.testing.ExternalProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A ZooKeeper server on a fixed port and data directory; it can be stopped and started again on both.
 * Either {@code bin/zookeeper-dev} (the client library's own version) or a released server from Maven
 * Central (3.4.14, 3.5.10: copied into {@code target/zookeeper-servers/<version>} by the build) run as
 * {@code java -cp ... QuorumPeerMain zoo.cfg}.
 */
public final class ZooKeeperProcess implements AutoCloseable {
    private final int port;
    private final Path data;
    private final Path logs;
    private final Optional<String> release;
    private int starts;
    private ExternalProcess process;

    private ZooKeeperProcess(int port, Path data, Path logs, Optional<String> release) {
        this.port = port;
        this.data = data;
        this.logs = logs;
        this.release = release;
    }

    public static ZooKeeperProcess start(int port, Path data, Path logs) {
        ZooKeeperProcess zooKeeper = new ZooKeeperProcess(port, data, logs, Optional.empty());
        zooKeeper.start();
        return zooKeeper;
    }

    /** A released server, e.g. {@code 3.4.14}, whose jars the build copied from Maven Central. */
    public static ZooKeeperProcess startRelease(String version, int port, Path data, Path logs) {
        ZooKeeperProcess zooKeeper = new ZooKeeperProcess(port, data, logs, Optional.of(version));
        zooKeeper.start();
        return zooKeeper;
    }

    /** Starts it (again) on the same port and data directory. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("ZooKeeper already running");
        }
        starts++;
        String name = "zookeeper-" + release.orElse("dev") + "-" + port + "-" + starts;
        process = release.isPresent()
                ? ExternalProcess.start(name, releaseCommand(release.get()), logs)
                        .awaitPort(port, Stack.START_TIMEOUT)
                : Stack.launch(
                                "zookeeper-dev",
                                name,
                                List.of("--port", Integer.toString(port), "--data", data.toString()),
                                logs)
                        .awaitLogLine("listening on 127.0.0.1:" + port, Stack.START_TIMEOUT);
    }

    private List<String> releaseCommand(String version) {
        Path jars = Path.of(System.getProperty("smartstack.zookeeper.servers", "target/zookeeper-servers"))
                .resolve(version);
        if (!Files.isDirectory(jars)) {
            throw new IllegalStateException("no ZooKeeper " + version + " jars in " + jars.toAbsolutePath()
                    + " (the build copies them in generate-test-resources)");
        }
        try {
            Files.createDirectories(data);
            Path config = data.resolve("zoo.cfg");
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "tickTime=500",
                            "dataDir=" + data.resolve("data"),
                            "clientPort=" + port,
                            "clientPortAddress=127.0.0.1",
                            "maxSessionTimeout=60000",
                            "admin.enableServer=false",
                            ""));
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return List.of(
                    java,
                    "-Xmx128m",
                    "-Dzookeeper.jmx.log4j.disable=true",
                    "-cp",
                    jars.toAbsolutePath() + "/*",
                    "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                    config.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the config of ZooKeeper " + version, e);
        }
    }

    /** SIGTERM, as an operator stopping it; waits for the exit. */
    public synchronized void stop() {
        if (process != null) {
            process.terminate(Duration.ofSeconds(30));
            process = null;
        }
    }

    public int port() {
        return port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    @Override
    public String toString() {
        return "zookeeper-" + release.orElse("dev") + " on " + port;
    }
}
