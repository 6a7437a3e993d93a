package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.runtime.RuntimeApi;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.runtime.ServerRef;
import io.smartstack.synapse.haproxy.runtime.ServerStats;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One stats socket of a running HAProxy and what Synapse tracks about it (the drains in progress).
 * Reads its state and sends commands; the owner thread is the generator's.
 */
final class RuntimeEndpoint implements AutoCloseable {
    private final RuntimeApi api;
    private final HaproxyMetrics metrics;
    private Map<ServerRef, Instant> draining = new HashMap<>();

    RuntimeEndpoint(RuntimeApi api, HaproxyMetrics metrics) {
        this.api = api;
        this.metrics = metrics;
    }

    String name() {
        return api instanceof io.smartstack.synapse.haproxy.runtime.UnixSocketRuntimeApi unix
                ? unix.socket().toString()
                : api.toString();
    }

    RuntimeState read() throws IOException {
        Set<String> backends = RuntimeParsers.backends(api.execute("show backend"));
        List<RuntimeServer> servers = RuntimeParsers.serversState(api.execute("show servers state"));
        RuntimeState withoutStats = RuntimeState.of(backends, servers, Map.of());
        if (!withoutStats.anyDraining() && draining.isEmpty()) {
            return withoutStats;
        }
        return RuntimeState.of(backends, servers, stats());
    }

    Map<String, Map<String, ServerStats>> stats() throws IOException {
        return RuntimeParsers.stat(api.execute("show stat -1 4 -1"));
    }

    Map<String, String> info() throws IOException {
        return RuntimeParsers.info(api.execute("show info"));
    }

    String serversStateText() throws IOException {
        return api.execute("show servers state");
    }

    /** Sends the commands in order; returns the failed ones with HAProxy's answer. */
    List<String> send(List<RuntimeCommand> commands) throws IOException {
        List<String> failures = new ArrayList<>();
        for (RuntimeCommand command : commands) {
            String answer = api.execute(command.wire());
            metrics.commandSent();
            if (!command.succeeded(answer)) {
                metrics.commandFailed();
                failures.add("'" + command.wire() + "' answered '" + answer.strip() + "'");
            }
        }
        return failures;
    }

    Map<ServerRef, Instant> draining() {
        return draining;
    }

    void draining(Map<ServerRef, Instant> updated) {
        draining = new HashMap<>(updated);
    }

    void reconnect() {
        api.reconnect();
    }

    @Override
    public void close() {
        api.close();
    }
}
