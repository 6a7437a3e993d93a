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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
        Instant now = clock.instant();
        Planner.Options options = new Planner.Options(
                Boolean.TRUE.equals(dynamicServers), settings.runtime().drainTimeout(), resolver::address);
        Plan plan = Planner.plan(state, model, options, draining.getOrDefault(socket, Map.of()), now);
        plan.notes().stream().filter(loggedNotes::add).forEach(note -> LOG.info("{}", note));
        if (loggedNotes.size() > 10_000) {
            loggedNotes.clear();
        }
        draining.put(socket, new HashMap<>(plan.draining()));
        reasons.addAll(plan.reloadReasons());
        Optional<Duration> next = plan.followUp() ? Optional.of(FOLLOW_UP) : Optional.empty();
        List<RuntimeCommand> commands = plan.commands().stream()
                .filter(command -> !refusals.waiting(ref(command), now))
                .toList();
        if (commands.size() < plan.commands().size()) {
            next = earliest(next, retryDelay(now));
        }
        for (CommandOutcome outcome : runtime.send(socket, commands)) {
            next = earliest(next, handle(socket, outcome, now, reasons));
        }
        return next;
    }

    private Optional<Duration> handle(String socket, CommandOutcome outcome, Instant now, List<ReloadReason> reasons) {
        RuntimeCommand command = outcome.command();
        if (outcome instanceof CommandOutcome.Accepted) {
            metrics.commandSent();
            refusals.accepted(ref(command));
            log(command);
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
            switch (refusals.refused(ref(command), refused.answer(), now)) {
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

    private static ServerRef ref(RuntimeCommand command) {
        return new ServerRef(command.backend(), command.server());
    }

    private static void log(RuntimeCommand command) {
        if (command instanceof RuntimeCommand.AddServer
                || command instanceof RuntimeCommand.DelServer
                || command instanceof RuntimeCommand.SetState) {
            LOG.info("runtime: {}", command.wire());
        } else {
            LOG.debug("runtime: {}", command.wire());
        }
    }
}
