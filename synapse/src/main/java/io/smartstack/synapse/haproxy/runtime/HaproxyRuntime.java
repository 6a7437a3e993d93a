package io.smartstack.synapse.haproxy.runtime;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one owner of HAProxy's stats sockets and their sessions. Everything else asks it; nothing else
 * opens a socket. Implementations guarantee that an answer comes from the process serving now: a
 * session attached to an old, stopping process (after a reload, whoever made it) is dropped and
 * opened again before it is used, and {@link #release()} closes every session so that no old worker
 * is kept alive by Synapse. Sessions are opened on demand. Errors are results, never exceptions.
 * Not thread-safe: one owner thread (the generator's). {@link StatsSockets} is the real one; tests
 * use a hand-written fake.
 */
public interface HaproxyRuntime extends AutoCloseable {
    /** The configured stats sockets, in order; the first is the one read for status and server state. */
    List<String> sockets();

    /** Backends and servers of the current process on {@code socket} (no session counters). */
    RuntimeRead read(String socket);

    /** Session counters per backend and server ({@code show stat}); empty when unreachable. */
    Optional<Map<String, Map<String, ServerStats>>> stats(String socket);

    /**
     * Like {@link #read}, for {@code backends} only: the state's backends are those of them HAProxy
     * has, its servers theirs. The real runtime asks HAProxy per backend, so the cost follows the
     * number of backends asked about, not the size of the config.
     */
    default RuntimeRead readBackends(String socket, Collection<String> backends) {
        RuntimeRead read = read(socket);
        if (!(read instanceof RuntimeRead.Current current)) {
            return read;
        }
        Set<String> present = new LinkedHashSet<>();
        Map<String, Map<String, RuntimeServer>> servers = new LinkedHashMap<>();
        for (String backend : backends) {
            if (current.state().backends().contains(backend)) {
                present.add(backend);
                servers.put(backend, current.state().serversOf(backend));
            }
        }
        return new RuntimeRead.Current(
                socket, current.workerPid(), current.version(), new RuntimeState(present, servers, Map.of()));
    }

    /**
     * Like {@link #readBackends(String, Collection)}, with the session counters of {@code backends} in
     * the state when {@code withStats}; unreachable when those cannot be read.
     */
    default RuntimeRead readBackends(String socket, Collection<String> backends, boolean withStats) {
        RuntimeRead read = readBackends(socket, backends);
        if (!withStats || !(read instanceof RuntimeRead.Current current)) {
            return read;
        }
        Optional<Map<String, Map<String, ServerStats>>> stats = stats(socket, backends);
        if (stats.isEmpty()) {
            return new RuntimeRead.Unreachable(socket, "the session counters cannot be read");
        }
        return new RuntimeRead.Current(
                socket,
                current.workerPid(),
                current.version(),
                new RuntimeState(current.state().backends(), current.state().servers(), stats.get()));
    }

    /** Like {@link #stats}, for {@code backends} only. */
    default Optional<Map<String, Map<String, ServerStats>>> stats(String socket, Collection<String> backends) {
        return stats(socket).map(all -> {
            Map<String, Map<String, ServerStats>> some = new LinkedHashMap<>();
            backends.stream().filter(all::containsKey).forEach(backend -> some.put(backend, all.get(backend)));
            return some;
        });
    }

    /** The raw {@code show servers state} text (for the server-state file); empty when unreachable. */
    Optional<String> serversState(String socket);

    /** The current process's pid, asked on a new connection; empty when unreachable. */
    Optional<Long> workerPid(String socket);

    /**
     * A reload replaced the process with this pid: from now on its answers are taken for an old process's, as if it
     * said it was stopping. Just after a reload the old process may still accept connections on the stats socket
     * before it knows it is to stop.
     */
    void replaced(long pid);

    /** Sends the commands in order; one outcome per command, in the same order. */
    List<CommandOutcome> send(String socket, List<RuntimeCommand> commands);

    /** Closes every open session (after a pass, before and after a reload); the next call opens new ones. */
    void release();

    @Override
    void close();
}
