package io.smartstack.synapse.haproxy.runtime;

import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.ReloadReason.Kind;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AddServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.DelServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.EnableHealth;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.SetState;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.SetWeight;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.ShutdownSessions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Plans how a running HAProxy reaches the desired model (pure; time is passed in). Per backend:
 * missing servers are added (dynamic servers) or make a reload necessary; enabled servers are set
 * ready and given their weight; servers kept from the state cache are drained then put in
 * maintenance; servers no longer desired are drained, put in maintenance and deleted (dynamic
 * servers) or left in maintenance (the original strategy). A drain ends when the server has no
 * session left or after {@code drainTimeout}. A backend missing from HAProxy needs a reload. A
 * backend left with no server to route to while its new servers wait for a reload gets an
 * {@link Kind#EMPTY_BACKEND} reason (that reload must not wait for {@code restart_interval}), and its
 * removed servers that still take traffic are not drained: the reload removes them.
 */
public final class Planner {
    /**
     * @param dynamicServers whether servers may be added and deleted at runtime
     * @param drainTimeout how long a drain may wait for sessions to end
     * @param addresses a host (name or IP address) to the IP address {@code add server} gets; empty
     *     while a name is not resolved (HAProxy does not resolve names given at runtime)
     */
    public record Options(boolean dynamicServers, Duration drainTimeout, Function<String, Optional<String>> addresses) {
        /** Hosts taken as they are (IP addresses). */
        public Options(boolean dynamicServers, Duration drainTimeout) {
            this(dynamicServers, drainTimeout, Optional::of);
        }
    }

    private final Options options;
    private final Instant now;
    private final Map<ServerRef, Instant> draining;
    private final List<RuntimeCommand> commands = new ArrayList<>();
    private final List<ReloadReason> reasons = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean followUp;

    private Planner(Options options, Instant now, Map<ServerRef, Instant> draining) {
        this.options = options;
        this.now = now;
        this.draining = new HashMap<>(draining);
    }

    public static Plan plan(
            RuntimeState runtime,
            HaproxyModel desired,
            Options options,
            Map<ServerRef, Instant> draining,
            Instant now) {
        Planner planner = new Planner(options, now, draining);
        for (ServiceModel service : desired.services()) {
            planner.service(runtime, service);
        }
        Set<ServerRef> stillDraining = planner.draining.keySet().stream()
                .filter(ref -> runtime.serversOf(ref.backend()).containsKey(ref.server()))
                .collect(Collectors.toSet());
        planner.draining.keySet().retainAll(stillDraining);
        return new Plan(planner.commands, planner.reasons, planner.draining, planner.followUp, planner.notes);
    }

    private void service(RuntimeState runtime, ServiceModel service) {
        String backend = service.backendName();
        if (!runtime.backends().contains(backend)) {
            reasons.add(new ReloadReason(
                    Kind.NEW_SERVICE,
                    "service " + service.name() + " is new: backend " + backend + " is not in the running HAProxy"));
            return;
        }
        Map<String, RuntimeServer> running = runtime.serversOf(backend);
        boolean dynamic = options.dynamicServers() && service.acceptsDynamicServers();
        int routable = 0;
        List<String> awaitingReload = new ArrayList<>();
        for (ServerModel server : service.servers()) {
            RuntimeServer current = running.get(server.name());
            ServerRef ref = new ServerRef(backend, server.name());
            if (current != null && current.id() != server.id()) {
                // HAProxy cannot change a running server's id; the config file has the asked-for one
                reasons.add(new ReloadReason(
                        Kind.SERVER_OPTIONS,
                        "server " + ref + " runs with id " + current.id() + " and should have id " + server.id()));
            }
            if (current == null) {
                if (!add(service, server, ref, running) && !server.disabled()) {
                    awaitingReload.add(server.name());
                }
            } else if (server.disabled()) {
                drain(runtime, current, ref, false);
            } else {
                enable(current, server, ref);
                routable++;
            }
        }
        boolean empty = routable == 0 && !awaitingReload.isEmpty();
        if (empty) {
            reasons.add(new ReloadReason(
                    Kind.EMPTY_BACKEND,
                    "backend " + backend + " has no server to route to until a reload adds " + awaitingReload));
        }
        Set<String> desiredNames =
                service.servers().stream().map(ServerModel::name).collect(Collectors.toSet());
        for (RuntimeServer current : running.values()) {
            if (desiredNames.contains(current.name())) {
                continue;
            }
            if (empty && current.adminState() == AdminState.READY) {
                // draining the last servers would answer 503 until the reload, which removes them anyway
                notes.add("server " + backend + "/" + current.name() + " kept until the reload adds its replacements");
            } else {
                drain(runtime, current, new ServerRef(backend, current.name()), dynamic);
            }
        }
    }

    /** Adds the server at runtime (or once its host name resolves); false when only a reload can add it. */
    private boolean add(ServiceModel service, ServerModel server, ServerRef ref, Map<String, RuntimeServer> running) {
        Optional<RuntimeServer> holder = running.values().stream()
                .filter(other -> other.id() == server.id() && !other.name().equals(server.name()))
                .findFirst();
        if (holder.isPresent()) {
            // HAProxy refuses a second server with the same id; the reload's config has the id once
            reasons.add(new ReloadReason(
                    Kind.NEW_SERVER,
                    "new server " + ref + " has id " + server.id() + ", which running server "
                            + holder.get().name() + " holds"));
            return false;
        }
        if (!options.dynamicServers()) {
            reasons.add(new ReloadReason(Kind.NEW_SERVER, "new server " + ref + " and dynamic servers are off"));
            return false;
        }
        if (!service.acceptsDynamicServers()) {
            reasons.add(new ReloadReason(
                    Kind.NEW_SERVER,
                    "new server " + ref + " and the balance algorithm of backend " + ref.backend()
                            + " refuses dynamic servers"));
            return false;
        }
        DynamicOptions translated = DynamicOptions.translate(server.options());
        String extra = translated.options()
                + (server.weight().isPresent() ? " weight " + server.weight().getAsInt() : "");
        if (!translated.dropped().isEmpty() || server.cookie().isPresent()) {
            List<String> dropped = new ArrayList<>(translated.dropped());
            server.cookie().ifPresent(cookie -> dropped.add(0, "cookie"));
            // one note per backend and set of options, not per server: at churn it would be a line per add
            notes.add("servers added to backend " + ref.backend() + " at runtime go without "
                    + String.join(", ", dropped)
                    + " (refused for dynamic servers; in effect after the next reload)");
        }
        Optional<String> ip = options.addresses().apply(server.host());
        if (ip.isEmpty()) {
            notes.add("server " + ref + " waits for its host name " + server.host() + " to resolve");
            return true;
        }
        String address = (ip.get().contains(":") ? "[" + ip.get() + "]" : ip.get()) + ":" + server.port();
        commands.add(new AddServer(ref.backend(), ref.server(), address, server.id(), extra.trim()));
        if (translated.check()) {
            commands.add(new EnableHealth(ref.backend(), ref.server()));
        }
        if (!server.disabled()) {
            commands.add(new SetState(ref.backend(), ref.server(), AdminState.READY));
        }
        return true;
    }

    private void enable(RuntimeServer current, ServerModel server, ServerRef ref) {
        if (current.adminState() != AdminState.READY) {
            commands.add(new SetState(ref.backend(), ref.server(), AdminState.READY));
        }
        draining.remove(ref);
        int weight = server.effectiveWeight();
        if (current.userWeight() != weight) {
            commands.add(new SetWeight(ref.backend(), ref.server(), weight));
        }
    }

    /** Drains toward maintenance, then deletes when {@code delete}. */
    private void drain(RuntimeState runtime, RuntimeServer current, ServerRef ref, boolean delete) {
        Optional<Long> sessions = runtime.statsOf(ref.backend(), ref.server()).map(ServerStats::currentSessions);
        switch (current.adminState()) {
            case READY -> {
                commands.add(new SetState(ref.backend(), ref.server(), AdminState.DRAIN));
                draining.put(ref, now);
                followUp = true;
            }
            case DRAIN -> {
                Instant started = draining.computeIfAbsent(ref, key -> now);
                boolean idle = sessions.isPresent() && sessions.get() == 0;
                boolean timedOut = !now.isBefore(started.plus(options.drainTimeout()));
                if (idle || timedOut) {
                    commands.add(new SetState(ref.backend(), ref.server(), AdminState.MAINT));
                    finish(ref, delete, !idle);
                } else {
                    followUp = true;
                }
            }
            case MAINT -> {
                if (delete) {
                    finish(ref, true, sessions.orElse(0L) > 0);
                } else {
                    draining.remove(ref);
                }
            }
        }
    }

    private void finish(ServerRef ref, boolean delete, boolean cutSessions) {
        if (cutSessions) {
            commands.add(new ShutdownSessions(ref.backend(), ref.server()));
        }
        if (delete) {
            commands.add(new DelServer(ref.backend(), ref.server()));
        }
        draining.remove(ref);
    }
}
