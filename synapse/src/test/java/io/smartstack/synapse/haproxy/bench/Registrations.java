package io.smartstack.synapse.haproxy.bench;

import io.smartstack.testing.ExternalProcess;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** A plain ZooKeeper client that watches the footprint benchmark's service paths fill with Nerve's registrations. */
final class Registrations implements AutoCloseable {
    private final ZooKeeper client;
    private final int services;

    Registrations(String connectString, int services) throws Exception {
        this.services = services;
        CountDownLatch connected = new CountDownLatch(1);
        this.client = new ZooKeeper(connectString, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cannot connect to ZooKeeper at " + connectString);
        }
    }

    static String path(int service) {
        return "/footprint/services/svc" + service;
    }

    /** Polls every 5 ms: process start -> the first registration, and -> one registration per service. */
    FootprintBench.Serving await(ExternalProcess nerve, long startedNanos) throws Exception {
        long deadline = startedNanos + TimeUnit.SECONDS.toNanos(60);
        long first = -1;
        while (System.nanoTime() < deadline) {
            int registered = registered();
            long now = System.nanoTime() - startedNanos;
            if (registered > 0 && first < 0) {
                first = now;
            }
            if (registered == services) {
                return new FootprintBench.Serving(first, now);
            }
            if (!nerve.isAlive()) {
                throw new IllegalStateException("Nerve exited:\n" + nerve.describe(30));
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("Nerve did not register every service within 60 s:\n" + nerve.describe(30));
    }

    private int registered() throws Exception {
        int count = 0;
        for (int i = 0; i < services; i++) {
            try {
                if (!client.getChildren(path(i), false).isEmpty()) {
                    count++;
                }
            } catch (KeeperException.NoNodeException notYet) {
                // Nerve has not created the path yet
            }
        }
        return count;
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
    }
}
