package io.smartstack.it.support;

import io.smartstack.testing.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code bin/zookeeper-dev} on a fixed port and data directory; it can be stopped and started again on both. */
public final class ZooKeeperProcess implements AutoCloseable {
    private final int port;
    private final Path data;
    private final Path logs;
    private int starts;
    private ExternalProcess process;

    private ZooKeeperProcess(int port, Path data, Path logs) {
        this.port = port;
        this.data = data;
        this.logs = logs;
    }

    public static ZooKeeperProcess start(int port, Path data, Path logs) {
        ZooKeeperProcess zooKeeper = new ZooKeeperProcess(port, data, logs);
        zooKeeper.start();
        return zooKeeper;
    }

    /** Starts it (again) on the same port and data directory. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("ZooKeeper already running");
        }
        starts++;
        process = Stack.launch(
                        "zookeeper-dev",
                        "zookeeper-" + port + "-" + starts,
                        List.of("--port", Integer.toString(port), "--data", data.toString()),
                        logs)
                .awaitLogLine("listening on 127.0.0.1:" + port, Stack.START_TIMEOUT);
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
        return "zookeeper-dev on " + port;
    }
}
