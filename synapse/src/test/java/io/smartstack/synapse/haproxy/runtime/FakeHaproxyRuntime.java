package io.smartstack.synapse.haproxy.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written {@link HaproxyRuntime}: an in-memory HAProxy with one socket. Commands change its
 * servers as HAProxy would (add in maintenance, state, weight, delete only in maintenance). A reload
 * happens when the {@code reloaded} marker file appears (a {@code reload_command} of {@code touch
 * <marker>}): the next look at the worker pid finds a new pid and the backends and servers of the
 * installed config file. Tests can refuse a server's deletes, or make the next batch reach a
 * stopping process. Thread-safe, so a test may look while the generator works.
 */
public final class FakeHaproxyRuntime implements HaproxyRuntime {
    public static final String SOCKET = "/fake/haproxy.sock";
    private static final Pattern SERVER =
            Pattern.compile("^\\s*server (\\S+) (\\S+):(\\d+) .*?id (\\d+)(?: .*?weight (\\d+))?.*$");

    private final Path configFile;
    private final Path marker;
    private final Set<String> backends = new LinkedHashSet<>();
    private final Map<String, Map<String, RuntimeServer>> servers = new LinkedHashMap<>();
    private final Map<ServerRef, Integer> refuseDeletes = new LinkedHashMap<>();
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> reads = Collections.synchronizedList(new ArrayList<>());
    private long pid = 100;
    private int reloads;
    private boolean staleNextBatch;
    private int openSessions;

    public FakeHaproxyRuntime(Path configFile, Path marker) {
        this.configFile = configFile;
        this.marker = marker;
    }

    public synchronized int reloads() {
        return reloads;
    }

    public List<String> sent() {
        return List.copyOf(sent);
    }

    public synchronized Map<String, RuntimeServer> servers(String backend) {
        return Map.copyOf(servers.getOrDefault(backend, Map.of()));
    }

    /** The next {@code times} deletes of the server are refused with HAProxy's answer for idle connections. */
    public synchronized void refuseDeletes(ServerRef server, int times) {
        refuseDeletes.put(server, times);
    }

    /** The next batch of commands reaches a process that a reload (made by someone else) is stopping. */
    public synchronized void reloadDuringNextBatch() {
        staleNextBatch = true;
    }

    /** Sessions opened and not released: Synapse must hold none between passes. */
    public synchronized int openSessions() {
        return openSessions;
    }

    @Override
    public List<String> sockets() {
        return List.of(SOCKET);
    }

    /**
     * What each read of the passes asked for, in order: {@code all}, or the backends asked about joined
     * by commas. The status's reads (a whole read, then the counters of every server) are left out.
     */
    public List<String> reads() {
        List<String> passes = new ArrayList<>();
        synchronized (reads) {
            for (int i = 0; i < reads.size(); i++) {
                boolean status = reads.get(i).equals("all")
                        && i + 1 < reads.size()
                        && reads.get(i + 1).equals("stats");
                if (status) {
                    i++;
                } else if (!reads.get(i).equals("stats")) {
                    passes.add(reads.get(i));
                }
            }
        }
        return passes;
    }

    @Override
    public synchronized Optional<Map<String, Map<String, ServerStats>>> stats(
            String socket, java.util.Collection<String> backends) {
        return Optional.of(Map.of());
    }

    @Override
    public synchronized RuntimeRead readBackends(String socket, java.util.Collection<String> backends) {
        RuntimeRead all = readAll(socket);
        reads.add(String.join(",", backends));
        RuntimeRead.Current current = (RuntimeRead.Current) all;
        List<RuntimeServer> some = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        for (String backend : backends) {
            if (current.state().backends().contains(backend)) {
                present.add(backend);
                some.addAll(current.state().serversOf(backend).values());
            }
        }
        return new RuntimeRead.Current(socket, pid, "2.6.12", RuntimeState.of(present, some, Map.of()));
    }

    @Override
    public synchronized RuntimeRead read(String socket) {
        reads.add("all");
        return readAll(socket);
    }

    private RuntimeRead readAll(String socket) {
        reloadIfMarked();
        openSessions = 1;
        List<RuntimeServer> all = new ArrayList<>();
        servers.values().forEach(byName -> all.addAll(byName.values()));
        return new RuntimeRead.Current(socket, pid, "2.6.12", RuntimeState.of(backends, all, Map.of()));
    }

    @Override
    public synchronized Optional<Map<String, Map<String, ServerStats>>> stats(String socket) {
        reads.add("stats");
        return Optional.of(Map.of());
    }

    @Override
    public synchronized Optional<String> serversState(String socket) {
        return Optional.of("1\n");
    }

    @Override
    public synchronized void replaced(long pid) {
        // the fake has one process at a time: nothing of an old one answers
    }

    @Override
    public synchronized Optional<Long> workerPid(String socket) {
        reloadIfMarked();
        return Optional.of(pid);
    }

    @Override
    public synchronized List<CommandOutcome> send(String socket, List<RuntimeCommand> commands) {
        openSessions = 1;
        List<CommandOutcome> outcomes = new ArrayList<>();
        for (RuntimeCommand command : commands) {
            if (staleNextBatch) {
                outcomes.add(new CommandOutcome.Stale(command));
                continue;
            }
            sent.add(command.wire());
            outcomes.add(apply(command));
        }
        if (staleNextBatch) {
            staleNextBatch = false;
            pid++;
        }
        return outcomes;
    }

    private CommandOutcome apply(RuntimeCommand command) {
        Map<String, RuntimeServer> byName = servers.computeIfAbsent(command.backend(), key -> new LinkedHashMap<>());
        RuntimeServer current = byName.get(command.server());
        if (command instanceof RuntimeCommand.AddServer add) {
            String[] hostPort = add.address().split(":");
            byName.put(add.server(), server(add.backend(), add.id(), add.server(), hostPort[0], hostPort[1], 0x01, 1));
            return new CommandOutcome.Accepted(command);
        }
        if (current == null) {
            return new CommandOutcome.Refused(command, "No such server.");
        }
        if (command instanceof RuntimeCommand.DelServer) {
            ServerRef ref = new ServerRef(command.backend(), command.server());
            if (current.adminState() != RuntimeCommand.AdminState.MAINT) {
                return new CommandOutcome.Refused(command, "Only servers in maintenance mode can be deleted.");
            }
            int refusals = refuseDeletes.getOrDefault(ref, 0);
            if (refusals > 0) {
                refuseDeletes.put(ref, refusals - 1);
                return new CommandOutcome.Refused(
                        command, "Server still has connections attached to it, cannot remove it.");
            }
            byName.remove(command.server());
        } else if (command instanceof RuntimeCommand.SetState set) {
            int flags =
                    switch (set.state()) {
                        case READY -> 0;
                        case DRAIN -> 0x08;
                        case MAINT -> 0x01;
                    };
            byName.put(current.name(), withFlags(current, flags, current.userWeight()));
        } else if (command instanceof RuntimeCommand.SetWeight weight) {
            byName.put(current.name(), withFlags(current, current.adminFlags(), weight.weight()));
        }
        return new CommandOutcome.Accepted(command);
    }

    @Override
    public synchronized void release() {
        openSessions = 0;
    }

    @Override
    public void close() {
        release();
    }

    private void reloadIfMarked() {
        if (!Files.exists(marker)) {
            return;
        }
        try {
            Files.delete(marker);
            List<String> lines = Files.readAllLines(configFile);
            backends.clear();
            servers.clear();
            String backend = null;
            for (String line : lines) {
                if (line.startsWith("backend ")) {
                    backend = line.substring("backend ".length()).trim();
                    backends.add(backend);
                } else if (!line.startsWith(" ") && !line.isBlank()) {
                    backend = null;
                } else if (backend != null) {
                    Matcher server = SERVER.matcher(line);
                    if (server.matches()) {
                        int weight = server.group(5) == null ? 1 : Integer.parseInt(server.group(5));
                        servers.computeIfAbsent(backend, key -> new LinkedHashMap<>())
                                .put(
                                        server.group(1),
                                        server(
                                                backend,
                                                Integer.parseInt(server.group(4)),
                                                server.group(1),
                                                server.group(2),
                                                server.group(3),
                                                line.contains(" disabled") ? 1 : 0,
                                                weight));
                    }
                }
            }
            pid++;
            reloads++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RuntimeServer server(
            String backend, int id, String name, String host, String port, int flags, int weight) {
        return new RuntimeServer(backend, id, name, host, Integer.parseInt(port), 2, flags, weight);
    }

    private static RuntimeServer withFlags(RuntimeServer server, int flags, int weight) {
        return new RuntimeServer(
                server.backend(),
                server.id(),
                server.name(),
                server.address(),
                server.port(),
                server.operationalState(),
                flags,
                weight);
    }
}
