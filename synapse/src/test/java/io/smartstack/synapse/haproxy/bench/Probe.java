package io.smartstack.synapse.haproxy.bench;

import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.UnixSocketRuntimeApi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Watches HAProxy's own runtime state ({@code show servers state}) until a condition holds. */
final class Probe implements AutoCloseable {
    private final UnixSocketRuntimeApi api;

    Probe(Path socket) {
        this.api = new UnixSocketRuntimeApi(socket);
    }

    Optional<RuntimeServer> server(String backend, String name) throws IOException {
        return RuntimeParsers.serversState(api.execute("show servers state " + backend)).stream()
                .filter(server -> server.name().equals(name))
                .findFirst();
    }

    /** Polls until the server's state satisfies {@code condition}; returns System.nanoTime() then, or -1 on timeout. */
    long awaitServer(String backend, String name, Predicate<Optional<RuntimeServer>> condition, long timeoutNanos)
            throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            if (condition.test(server(backend, name))) {
                return System.nanoTime();
            }
            LockSupport.parkNanos(100_000);
        }
        return -1;
    }

    /** One round trip of the runtime API, in nanoseconds. */
    long roundTrip(String backend) throws IOException {
        long start = System.nanoTime();
        api.execute("show servers state " + backend);
        return System.nanoTime() - start;
    }

    static boolean ready(Optional<RuntimeServer> server) {
        return server.isPresent() && server.get().adminState() == AdminState.READY;
    }

    @Override
    public void close() {
        api.close();
    }
}
