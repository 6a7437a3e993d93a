package io.smartstack.synapse.haproxy.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link HaproxyRuntime}: one {@link UnixSocketRuntimeApi} session per stats socket.
 *
 * <p>How it follows the worker: the first use of a session after {@link #release()} (in practice
 * once per pass) asks {@code show info}; a process that answers {@code Stopping: 1} is an old worker
 * or an old daemon-mode process that a reload replaced but that still holds this session, so the
 * session is closed and opened again (a new connection always reaches the process serving now), for
 * up to a second. So is a process {@link #replaced(long)} names: right after a reload the old worker
 * can still take new connections before it knows it is to stop. The pid it then reports is the
 * current worker's; a change is logged once. An answer {@code Proxy is disabled.} in the middle of a
 * pass means a reload happened meanwhile: the command and the rest of
 * the batch come back {@link CommandOutcome.Stale} and the session moves to the new process. {@link
 * #release()} closes every session, so an old worker never waits for Synapse to let go. Chosen over
 * the master CLI's process list because it works the same for master-worker, daemon-mode ({@code
 * -sf}) and systemd-managed HAProxy, with no second socket to configure.
 */
public final class StatsSockets implements HaproxyRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(StatsSockets.class);
    private static final String DISABLED = "Proxy is disabled.";
    private static final String NO_BACKEND = "Can't find backend.";
    private static final String NO_PROXY = "No such proxy.";
    private static final Duration FOLLOW = Duration.ofSeconds(1);

    /** What a session's check reads of {@code show info}. */
    private static final java.util.Set<String> FOLLOWED_INFO = java.util.Set.of("Pid", "Stopping", "Version");

    /** How many replaced pids are remembered: reloads come at most every restart_interval. */
    private static final int REPLACED = 8;

    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final Duration readTimeout;
    /** Processes a reload replaced, newest last. */
    private final Deque<Long> replaced = new ArrayDeque<>();

    /** One session per socket; answers must arrive within {@code readTimeout}. */
    public StatsSockets(List<Path> sockets, Duration readTimeout) {
        this.readTimeout = readTimeout;
        for (Path socket : sockets) {
            sessions.put(socket.toString(), new Session(new UnixSocketRuntimeApi(socket, readTimeout)));
        }
    }

    private static final class Session {
        final UnixSocketRuntimeApi api;
        boolean verified;
        long pid = -1;
        String version = "";
        /** Backend name to its numeric id in the current process (from {@code show servers state}). */
        final Map<String, Integer> backendIds = new java.util.HashMap<>();

        Session(UnixSocketRuntimeApi api) {
            this.api = api;
        }
    }

    @Override
    public List<String> sockets() {
        return List.copyOf(sessions.keySet());
    }

    @Override
    public RuntimeRead read(String socket) {
        Session session = session(socket);
        try {
            List<String> answers = follow(socket, session, List.of("show backend", "show servers state"));
            java.util.Set<String> backends = RuntimeParsers.backends(answers.get(0));
            List<RuntimeServer> servers = RuntimeParsers.serversState(answers.get(1));
            return new RuntimeRead.Current(
                    socket, session.pid, session.version, RuntimeState.of(backends, servers, Map.of()));
        } catch (IOException | RuntimeException e) {
            drop(session);
            return new RuntimeRead.Unreachable(socket, e.getMessage());
        }
    }

    @Override
    public RuntimeRead readBackends(String socket, java.util.Collection<String> backends) {
        return readBackends(socket, backends, false);
    }

    /**
     * With {@code withStats}, the {@code show stat} of each backend goes in the same pipelined batch as
     * its {@code show servers state} when this process's backend ids are known (they are after the
     * first read); answers from a process that turns out to be another one, or that lack a backend,
     * are read again the plain way.
     */
    @Override
    public RuntimeRead readBackends(String socket, java.util.Collection<String> backends, boolean withStats) {
        Session session = session(socket);
        try {
            List<String> names = List.copyOf(backends);
            List<Integer> ids = new ArrayList<>();
            if (withStats) {
                names.forEach(backend -> ids.add(session.backendIds.get(backend)));
            }
            boolean statsAlong = withStats && session.pid > 0 && !ids.contains(null);
            long pidBefore = session.pid;
            List<String> commands = new ArrayList<>();
            names.forEach(backend -> commands.add("show servers state " + backend));
            if (statsAlong) {
                ids.forEach(id -> commands.add("show stat " + id + " 4 -1"));
            }
            List<String> answers = follow(socket, session, commands);
            java.util.Set<String> present = new java.util.LinkedHashSet<>();
            List<RuntimeServer> servers = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String backend = names.get(i);
                String answer = answers.get(i);
                if (answer.startsWith(NO_BACKEND)) {
                    continue;
                }
                present.add(backend);
                servers.addAll(RuntimeParsers.serversState(answer));
                RuntimeParsers.backendId(answer).ifPresent(id -> session.backendIds.put(backend, id));
            }
            Map<String, Map<String, ServerStats>> stats = Map.of();
            if (withStats) {
                Optional<Map<String, Map<String, ServerStats>>> read = Optional.empty();
                if (statsAlong && session.pid == pidBefore) {
                    Map<String, Map<String, ServerStats>> along = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        String backend = names.get(i);
                        RuntimeParsers.stat(answers.get(names.size() + i)).forEach((name, counters) -> {
                            if (name.equals(backend)) {
                                along.put(name, counters);
                            }
                        });
                    }
                    if (along.keySet().containsAll(present)) {
                        read = Optional.of(along);
                    }
                }
                if (read.isEmpty()) {
                    read = stats(socket, names);
                }
                if (read.isEmpty()) {
                    return new RuntimeRead.Unreachable(socket, "the session counters cannot be read");
                }
                stats = read.get();
            }
            return new RuntimeRead.Current(
                    socket, session.pid, session.version, RuntimeState.of(present, servers, stats));
        } catch (IOException | RuntimeException e) {
            drop(session);
            return new RuntimeRead.Unreachable(socket, e.getMessage());
        }
    }

    @Override
    public Optional<Map<String, Map<String, ServerStats>>> stats(String socket, java.util.Collection<String> backends) {
        // by the backend's numeric id: a frontend may have the backend's name, and HAProxy would find it
        Session session = session(socket);
        Map<String, Map<String, ServerStats>> result = new LinkedHashMap<>();
        for (String backend : backends) {
            Integer id = session.backendIds.get(backend);
            if (id == null) {
                return HaproxyRuntime.super.stats(socket, backends);
            }
            Optional<String> answer = ask(socket, "show stat " + id + " 4 -1");
            if (answer.isEmpty()) {
                return Optional.empty();
            }
            if (!answer.get().startsWith(NO_PROXY)) {
                RuntimeParsers.stat(answer.get()).forEach((name, servers) -> {
                    if (name.equals(backend)) {
                        result.put(name, servers);
                    }
                });
            }
        }
        return Optional.of(result);
    }

    @Override
    public Optional<Map<String, Map<String, ServerStats>>> stats(String socket) {
        return ask(socket, "show stat -1 4 -1").map(RuntimeParsers::stat);
    }

    @Override
    public Optional<String> serversState(String socket) {
        return ask(socket, "show servers state");
    }

    @Override
    public Optional<Long> workerPid(String socket) {
        try (UnixSocketRuntimeApi fresh = new UnixSocketRuntimeApi(Path.of(socket), readTimeout)) {
            return Optional.of(Long.parseLong(
                    RuntimeParsers.info(fresh.execute("show info")).getOrDefault("Pid", "-1")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void replaced(long pid) {
        replaced.remove(pid);
        replaced.addLast(pid);
        while (replaced.size() > REPLACED) {
            replaced.removeFirst();
        }
    }

    @Override
    public List<CommandOutcome> send(String socket, List<RuntimeCommand> commands) {
        Session session = session(socket);
        List<CommandOutcome> outcomes = new ArrayList<>(commands.size());
        try {
            follow(socket, session);
        } catch (IOException | RuntimeException e) {
            drop(session);
            commands.forEach(command -> outcomes.add(new CommandOutcome.Unreachable(command, e.getMessage())));
            return outcomes;
        }
        // pipelined batches, the answers judged in order as if each command had been sent alone
        boolean stale = false;
        for (List<RuntimeCommand> batch : batches(commands)) {
            List<String> answers;
            String failure = null;
            if (stale) {
                answers = List.of();
            } else {
                try {
                    answers = session.api.executeAll(
                            batch.stream().map(RuntimeCommand::wire).toList());
                } catch (UnixSocketRuntimeApi.PartialAnswers partial) {
                    drop(session);
                    answers = partial.answers();
                    failure = partial.getMessage();
                } catch (IOException | RuntimeException e) {
                    drop(session);
                    answers = List.of();
                    failure = e.getMessage();
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                RuntimeCommand command = batch.get(i);
                if (stale) {
                    outcomes.add(new CommandOutcome.Stale(command));
                    continue;
                }
                if (i >= answers.size()) {
                    outcomes.add(new CommandOutcome.Unreachable(command, failure));
                    stale = true;
                    continue;
                }
                String answer = answers.get(i).strip();
                if (answer.startsWith(DISABLED)) {
                    // a reload happened meanwhile: this and the rest reached the old process
                    stale = true;
                    drop(session);
                    outcomes.add(new CommandOutcome.Stale(command));
                } else if (command.succeeded(answer)) {
                    outcomes.add(new CommandOutcome.Accepted(command));
                } else {
                    outcomes.add(new CommandOutcome.Refused(command, answer));
                }
            }
        }
        return outcomes;
    }

    /**
     * The commands cut into pipelined batches. A {@code del server} starts a batch of its own: HAProxy
     * closes a server's idle connections after its {@code state maint} asynchronously, and a delete
     * right behind it in the same batch would find them still attached.
     */
    private static List<List<RuntimeCommand>> batches(List<RuntimeCommand> commands) {
        List<List<RuntimeCommand>> batches = new ArrayList<>();
        List<RuntimeCommand> current = new ArrayList<>();
        for (RuntimeCommand command : commands) {
            if (command instanceof RuntimeCommand.DelServer && !current.isEmpty()) {
                batches.add(current);
                current = new ArrayList<>();
            }
            current.add(command);
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    @Override
    public void release() {
        sessions.values().forEach(session -> {
            session.api.reconnect();
            session.verified = false;
        });
    }

    @Override
    public void close() {
        release();
    }

    private Optional<String> ask(String socket, String command) {
        Session session = session(socket);
        try {
            follow(socket, session);
            return Optional.of(session.api.execute(command));
        } catch (IOException | RuntimeException e) {
            drop(session);
            return Optional.empty();
        }
    }

    private Session session(String socket) {
        Session session = sessions.get(socket);
        if (session == null) {
            throw new IllegalArgumentException("not a configured stats socket: " + socket);
        }
        return session;
    }

    private static void drop(Session session) {
        session.api.reconnect();
        session.verified = false;
    }

    /** Makes sure the session is on the process serving now (see the class comment). */
    private void follow(String socket, Session session) throws IOException {
        follow(socket, session, List.of());
    }

    /**
     * As {@link #follow(String, Session)}, then sends {@code then} and returns its answers. When the
     * session must be checked, {@code show info} and {@code then} go in one pipelined batch, and the
     * answers to {@code then} are used only if a current process gave them.
     */
    private List<String> follow(String socket, Session session, List<String> then) throws IOException {
        if (session.verified && session.api.connected()) {
            return session.api.executeAll(then);
        }
        List<String> batch = new ArrayList<>(then.size() + 1);
        batch.add("show info");
        batch.addAll(then);
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        while (true) {
            List<String> answers = session.api.executeAll(batch);
            Map<String, String> info = RuntimeParsers.info(answers.get(0), FOLLOWED_INFO);
            long pid = Long.parseLong(info.getOrDefault("Pid", "-1"));
            boolean stopping = "1".equals(info.get("Stopping"));
            boolean old = replaced.contains(pid);
            if (!stopping && old && System.nanoTime() > deadline) {
                // still the one answering, not stopping, a second on: it serves now (the reload was undone, or the
                // pid came round again)
                replaced.remove(pid);
                old = false;
            }
            if (!stopping && !old) {
                if (session.pid > 0 && pid != session.pid) {
                    LOG.info(
                            "HAProxy on {} is now worker pid {} (was {}): runtime commands follow it",
                            socket,
                            pid,
                            session.pid);
                }
                if (pid != session.pid) {
                    session.backendIds.clear();
                }
                session.pid = pid;
                session.version = info.getOrDefault("Version", "");
                session.verified = true;
                return answers.subList(1, answers.size());
            }
            session.api.reconnect();
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "only a stopping HAProxy process (pid " + pid + ") answers on " + socket + " after " + FOLLOW);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}
