package io.smartstack.synapse.haproxy.bench;

import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.UnixSocketRuntimeApi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls the current worker's {@code show servers state <backend>} (a new connection each time, so it
 * always reaches the newest worker) and measures how long the backend had no server that is ready
 * and up: the time HAProxy answers 503 "No server is available".
 */
final class EmptyBackendWatch implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile int windows;
    private volatile long emptyNanos;
    private volatile long longestNanos;

    EmptyBackendWatch(Path socket, String backend) {
        thread = new Thread(() -> watch(socket, backend), "bench-empty-backend-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch(Path socket, String backend) {
        long since = -1;
        while (running.get()) {
            boolean any;
            try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket)) {
                any = RuntimeParsers.serversState(api.execute("show servers state " + backend)).stream()
                        .anyMatch(server -> server.adminState() == AdminState.READY && server.operationalState() == 2);
            } catch (IOException | RuntimeException reloading) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                continue;
            }
            long now = System.nanoTime();
            if (!any && since < 0) {
                since = now;
                windows++;
            } else if (any && since >= 0) {
                emptyNanos += now - since;
                longestNanos = Math.max(longestNanos, now - since);
                since = -1;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    String summary() {
        return String.format(
                java.util.Locale.ROOT,
                "%d windows, %.0f ms in all, longest %.0f ms",
                windows,
                emptyNanos / 1e6,
                longestNanos / 1e6);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
