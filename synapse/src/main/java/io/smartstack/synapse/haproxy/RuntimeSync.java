package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.runtime.CommandOutcome;
import io.smartstack.synapse.haproxy.runtime.HaproxyRuntime;
import io.smartstack.synapse.haproxy.runtime.Plan;
import io.smartstack.synapse.haproxy.runtime.Planner;
import io.smartstack.synapse.haproxy.runtime.Refusals;
import io.smartstack.synapse.haproxy.runtime.ReloadReason;
import io.smartstack.synapse.haproxy.runtime.ReloadReason.Kind;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand;
import io.smartstack.synapse.haproxy.runtime.RuntimeRead;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.runtime.ServerRef;
import io.smartstack.synapse.haproxy.runtime.ServerStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime half of a pass: reads every stats socket's state and carries out the planner's commands
 * on it. What the runtime API cannot do becomes a reload reason; what HAProxy refuses is retried per
 * server with backoff ({@link Refusals}), logged once per server and answer, and never reloads; a
 * command that reached an old, stopping process only asks for a new pass at once. Decides once, from
 * the first {@code show info}, whether dynamic servers are on (HAProxy >= 2.5) unless configured.
 * Runs on the generator's thread.
 */
final class RuntimeSync {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSync.class);
    private static final Duration FOLLOW_UP = Duration.ofMillis(200);
    private final HaproxySettings settings;
    private final Clock clock;
    private final HaproxyRuntime runtime;
    private final HostResolver resolver;
    private final HaproxyMetrics metrics;
    private final Set<String> loggedNotes = new LinkedHashSet<>();
    private final Map<String, Map<ServerRef, Instant>> draining = new HashMap<>();
    private final Refusals refusals = new Refusals();
    private final Map<String, String> unreachable = new LinkedHashMap<>();
    private Boolean dynamicServers;
    /** A command of the last run reached a stopping process (a reload happened meanwhile). */
    private boolean sawStale;

    private Quarantine quarantine;

    RuntimeSync(
            HaproxySettings settings,
            Clock clock,
            HaproxyRuntime runtime,
            HostResolver resolver,
            HaproxyMetrics metrics) {
        this.settings = settings;
        this.clock = clock;
        this.runtime = runtime;
        this.resolver = resolver;
        this.metrics = metrics;
        this.dynamicServers = settings.runtime().dynamicServers().orElse(null);
    }

    /** Where a server whose {@code add server} HAProxy refuses is put (left out of later passes). */
    void quarantineRefusedAdds(Quarantine quarantine) {
        this.quarantine = quarantine;
    }

    boolean dynamicServers() {
        return Boolean.TRUE.equals(dynamicServers);
    }

    /** Socket to why it could not be read in the last pass; empty when every socket answered. */
    Map<String, String> unreachable() {
        return Map.copyOf(unreachable);
    }

    Map<String, String> refused() {
        return refusals.refused();
    }

    /** The state of every socket that answers; the others add a reason and are remembered as unreachable. */
    Map<String, RuntimeState> read(List<ReloadReason> reasons) {
        Map<String, RuntimeState> states = new LinkedHashMap<>();
        for (String socket : runtime.sockets()) {
            RuntimeRead read = runtime.read(socket);
            if (read instanceof RuntimeRead.Unreachable gone) {
                if (unreachable.put(socket, gone.reason()) == null) {
                    LOG.warn("the runtime API on {} is unavailable: {}", socket, gone.reason());
                }
                reasons.add(new ReloadReason(
                        Kind.RUNTIME_UNAVAILABLE,
                        "the runtime API on " + socket + " is unavailable: " + gone.reason()));
                continue;
            }
            RuntimeRead.Current current = (RuntimeRead.Current) read;
            if (unreachable.remove(socket) != null) {
                LOG.info("the runtime API on {} answers again (worker pid {})", socket, current.workerPid());
            }
            decideDynamicServers(current);
            RuntimeState state = current.state();
            if (state.anyDraining() || !draining.getOrDefault(socket, Map.of()).isEmpty()) {
                state = new RuntimeState(
                        state.backends(), state.servers(), runtime.stats(socket).orElse(Map.of()));
            }
            states.put(socket, state);
        }
        return states;
    }

    /**
     * The state of {@code backends} only, per socket; empty when a socket does not answer (the caller
     * then makes a whole pass, which records it). Session counters are read for these backends when
     * one of their servers drains.
     */
    Optional<Map<String, RuntimeState>> readBackends(Collection<String> backends) {
        Map<String, RuntimeState> states = new LinkedHashMap<>();
        for (String socket : runtime.sockets()) {
            boolean drainingHere = draining.getOrDefault(socket, Map.of()).keySet().stream()
                    .anyMatch(ref -> backends.contains(ref.backend()));
            // counters along with the state when a drain is known to be under way: one round trip
            if (!(runtime.readBackends(socket, backends, drainingHere) instanceof RuntimeRead.Current current)) {
                return Optional.empty();
            }
            decideDynamicServers(current);
            RuntimeState state = current.state();
            if (state.anyDraining() && !drainingHere) {
                Optional<Map<String, Map<String, ServerStats>>> stats = runtime.stats(socket, backends);
                if (stats.isEmpty()) {
                    return Optional.empty();
                }
                state = new RuntimeState(state.backends(), state.servers(), stats.get());
            }
            states.put(socket, state);
        }
        return Optional.of(states);
    }

    /** What a pass over some backends gave: when to look again, or that only a whole pass can go on. */
    record Scoped(Optional<Duration> next, boolean wholePass, boolean reloadNeeded) {}

    /**
     * Plans and sends for {@code backends} only ({@code model} holds just their services). When the
     * plan needs a reload, nothing is sent and a whole pass is asked for; likewise after a command
     * reached a stopping process or the socket failed.
     */
    Scoped runBackends(String socket, RuntimeState state, HaproxyModel model, Set<String> backends) {
        List<ReloadReason> reasons = new ArrayList<>();
        sawStale = false;
        Optional<Duration> next = run(socket, state, model, reasons, backends);
        if (next == null) {
            return new Scoped(Optional.empty(), true, true);
        }
        return new Scoped(next, sawStale || !reasons.isEmpty(), false);
    }

    private void decideDynamicServers(RuntimeRead.Current current) {
        if (dynamicServers != null) {
            return;
        }
        int[] version = current.majorMinor();
        dynamicServers = version[0] > 2 || (version[0] == 2 && version[1] >= 5);
        LOG.info(
                "HAProxy {} on {}: dynamic servers {}",
                current.version(),
                current.socket(),
                dynamicServers ? "on" : "off");
    }

    /** Plans and sends; returns when the next pass should run (a drain, a retry, a reload seen), if at all. */
    Optional<Duration> run(String socket, RuntimeState state, HaproxyModel model, List<ReloadReason> reasons) {
        return run(socket, state, model, reasons, null);
    }

    /** {@code scope}: the only backends planned (null: all); then a plan that needs a reload sends nothing (null). */
    private Optional<Duration> run(
            String socket, RuntimeState state, HaproxyModel model, List<ReloadReason> reasons, Set<String> scope) {
        Instant now = clock.instant();
        Planner.Options options = new Planner.Options(
                Boolean.TRUE.equals(dynamicServers), settings.runtime().drainTimeout(), resolver::address);
        Map<ServerRef, Instant> before = draining.getOrDefault(socket, Map.of());
        Map<ServerRef, Instant> planned = before;
        if (scope != null) {
            planned = new HashMap<>(before);
            planned.keySet().removeIf(ref -> !scope.contains(ref.backend()));
        }
        Plan plan = Planner.plan(state, model, options, planned, now);
        if (scope != null && !plan.reloadReasons().isEmpty()) {
            return null;
        }
        plan.notes().stream().filter(loggedNotes::add).forEach(note -> LOG.info("{}", note));
        if (loggedNotes.size() > 10_000) {
            loggedNotes.clear();
        }
        Map<ServerRef, Instant> after = new HashMap<>(plan.draining());
        if (scope != null) {
            before.forEach((ref, since) -> {
                if (!scope.contains(ref.backend())) {
                    after.put(ref, since);
                }
            });
        }
        draining.put(socket, after);
        Map<ServerRef, Instant> drainsBefore = before;
        reasons.addAll(plan.reloadReasons());
        Optional<Duration> next = plan.followUp() ? Optional.of(FOLLOW_UP) : Optional.empty();
        List<RuntimeCommand> commands = plan.commands().stream()
                .filter(command -> !refusals.waiting(ref(command), now))
                .toList();
        if (commands.size() < plan.commands().size()) {
            next = earliest(next, retryDelay(now));
        }
        Batch batch = new Batch(commands, drainsBefore, now);
        for (CommandOutcome outcome : runtime.send(socket, commands)) {
            next = earliest(next, handle(socket, outcome, batch, reasons));
        }
        return next;
    }

    private Optional<Duration> handle(String socket, CommandOutcome outcome, Batch batch, List<ReloadReason> reasons) {
        RuntimeCommand command = outcome.command();
        Instant now = batch.now();
        if (outcome instanceof CommandOutcome.Accepted) {
            metrics.commandSent();
            refusals.accepted(ref(command));
            batch.log(command);
            return Optional.empty();
        }
        if (outcome instanceof CommandOutcome.Refused refused) {
            metrics.commandSent();
            metrics.commandFailed();
            if (command instanceof RuntimeCommand.AddServer add && quarantine != null) {
                quarantine.refusedAdd(add.backend(), add.server(), refused.answer());
                refusals.accepted(ref(command)); // not retried: the next pass leaves the server out
                return Optional.of(Duration.ZERO);
            }
            Refusals.Verdict verdict = refusals.refused(ref(command), refused.answer(), now);
            boolean expected = closingConnections(command, refused.answer());
            if (expected && verdict != Refusals.Verdict.GIVEN_UP) {
                // the server's last connections are being closed: the retry 100 ms later is usually
                // accepted, so the refusal is worth a line only when it comes a second time
                verdict = refusals.attempts(ref(command)) == 2 ? Refusals.Verdict.FIRST : Refusals.Verdict.RETRY;
            }
            switch (verdict) {
                case FIRST ->
                    LOG.warn(
                            "HAProxy refused '{}': {} (retried with backoff, at most {} times)",
                            command.wire(),
                            refused.answer(),
                            Refusals.MAX_ATTEMPTS);
                case GIVEN_UP ->
                    LOG.error(
                            "HAProxy refused '{}' {} times, given up for {}: {}",
                            command.wire(),
                            Refusals.MAX_ATTEMPTS,
                            Refusals.GIVE_UP_FOR,
                            refused.answer());
                case RETRY -> LOG.debug("HAProxy refused '{}' again: {}", command.wire(), refused.answer());
            }
            return retryDelay(now);
        }
        if (outcome instanceof CommandOutcome.Stale) {
            sawStale = true;
            LOG.debug("'{}' reached a stopping HAProxy process; planning again on the current one", command.wire());
            return Optional.of(Duration.ZERO);
        }
        CommandOutcome.Unreachable gone = (CommandOutcome.Unreachable) outcome;
        reasons.add(
                new ReloadReason(Kind.RUNTIME_UNAVAILABLE, "runtime API on " + socket + " failed: " + gone.reason()));
        return Optional.empty();
    }

    private Optional<Duration> retryDelay(Instant now) {
        return refusals.nextRetry().map(at -> at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    }

    private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().compareTo(b.get()) <= 0 ? a.get() : b.get());
    }

    /**
     * A {@code del server} refused because the server still holds connections, right after its
     * {@code state maint}: HAProxy closes its idle pooled connections asynchronously.
     */
    private static boolean closingConnections(RuntimeCommand command, String answer) {
        return command instanceof RuntimeCommand.DelServer && answer.contains("still has connections attached");
    }

    private static ServerRef ref(RuntimeCommand command) {
        return new ServerRef(command.backend(), command.server());
    }

    /**
     * The commands of one send, to log one line per server change: an added server is logged by its
     * {@code add server}, a removed one by its {@code del server} (or, when it stays in maintenance, its
     * {@code state maint}) with how long its drain took; the steps before it are at debug level.
     */
    private record Batch(List<RuntimeCommand> commands, Map<ServerRef, Instant> drainsBefore, Instant now) {
        private boolean has(Class<? extends RuntimeCommand> kind, ServerRef ref) {
            return commands.stream()
                    .anyMatch(
                            command -> kind.isInstance(command) && ref(command).equals(ref));
        }

        private String drained(ServerRef ref) {
            Instant started = drainsBefore.get(ref);
            String cut = has(RuntimeCommand.ShutdownSessions.class, ref) ? ", its remaining sessions cut" : "";
            return started == null
                    ? cut.isEmpty() ? "" : " (" + cut.substring(2) + ")"
                    : " (drained for " + Duration.between(started, now).toMillis() + " ms" + cut + ")";
        }

        void log(RuntimeCommand command) {
            ServerRef ref = ref(command);
            boolean summary;
            String detail = "";
            if (command instanceof RuntimeCommand.AddServer) {
                summary = true;
            } else if (command instanceof RuntimeCommand.DelServer) {
                summary = true;
                detail = drained(ref);
            } else if (command instanceof RuntimeCommand.SetState set) {
                summary = switch (set.state()) {
                    case READY -> !has(RuntimeCommand.AddServer.class, ref);
                    case DRAIN -> false;
                    case MAINT -> !has(RuntimeCommand.DelServer.class, ref);
                };
                detail = set.state() == RuntimeCommand.AdminState.MAINT ? drained(ref) : "";
            } else {
                summary = false; // weights, health checks: frequent and not a change of membership
            }
            if (summary) {
                LOG.info("runtime: {}{}", command.wire(), detail);
            } else {
                LOG.debug("runtime: {}", command.wire());
            }
        }
    }
}
