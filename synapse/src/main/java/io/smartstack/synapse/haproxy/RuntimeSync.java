package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.runtime.Plan;
import io.smartstack.synapse.haproxy.runtime.Planner;
import io.smartstack.synapse.haproxy.runtime.ReloadReason;
import io.smartstack.synapse.haproxy.runtime.ReloadReason.Kind;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime half of a pass: reads every stats socket's state and carries out the planner's commands
 * on it, turning what the runtime API cannot do into reload reasons. Decides once, from the first
 * {@code show info}, whether dynamic servers are on (HAProxy >= 2.5) unless configured. Runs on the
 * generator's thread.
 */
final class RuntimeSync {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeSync.class);
    private final HaproxySettings settings;
    private final Clock clock;
    private final List<RuntimeEndpoint> endpoints;
    private final HostResolver resolver;
    private final Set<String> loggedNotes = new LinkedHashSet<>();
    private Boolean dynamicServers;

    RuntimeSync(HaproxySettings settings, Clock clock, List<RuntimeEndpoint> endpoints, HostResolver resolver) {
        this.settings = settings;
        this.clock = clock;
        this.endpoints = endpoints;
        this.resolver = resolver;
        this.dynamicServers = settings.runtime().dynamicServers().orElse(null);
    }

    boolean dynamicServers() {
        return Boolean.TRUE.equals(dynamicServers);
    }

    Map<RuntimeEndpoint, RuntimeState> read(List<ReloadReason> reasons) {
        Map<RuntimeEndpoint, RuntimeState> states = new LinkedHashMap<>();
        for (RuntimeEndpoint endpoint : endpoints) {
            try {
                if (dynamicServers == null) {
                    int[] version = RuntimeParsers.version(endpoint.info());
                    dynamicServers = version[0] > 2 || (version[0] == 2 && version[1] >= 5);
                    LOG.info(
                            "HAProxy {}.{} on {}: dynamic servers {}",
                            version[0],
                            version[1],
                            endpoint.name(),
                            dynamicServers ? "on" : "off");
                }
                states.put(endpoint, endpoint.read());
            } catch (IOException | RuntimeException e) {
                reasons.add(new ReloadReason(
                        Kind.RUNTIME_UNAVAILABLE,
                        "the runtime API on " + endpoint.name() + " is unavailable: " + e.getMessage()));
            }
        }
        return states;
    }

    boolean run(RuntimeEndpoint endpoint, RuntimeState state, HaproxyModel model, List<ReloadReason> reasons) {
        Planner.Options options = new Planner.Options(
                Boolean.TRUE.equals(dynamicServers), settings.runtime().drainTimeout(), resolver::address);
        Plan plan = Planner.plan(state, model, options, endpoint.draining(), clock.instant());
        plan.notes().stream().filter(loggedNotes::add).forEach(note -> LOG.info("{}", note));
        if (loggedNotes.size() > 10_000) {
            loggedNotes.clear();
        }
        endpoint.draining(plan.draining());
        reasons.addAll(plan.reloadReasons());
        boolean more = plan.followUp();
        try {
            List<String> failures = endpoint.send(plan.commands());
            for (String failure : failures) {
                if (failure.startsWith("'del server")) {
                    more = true;
                } else {
                    reasons.add(new ReloadReason(Kind.RUNTIME_FAILURE, "runtime command " + failure));
                }
            }
            logCommands(plan.commands());
        } catch (IOException e) {
            reasons.add(new ReloadReason(
                    Kind.RUNTIME_UNAVAILABLE, "runtime API on " + endpoint.name() + " failed: " + e.getMessage()));
        }
        return more;
    }

    private static void logCommands(List<RuntimeCommand> commands) {
        for (RuntimeCommand command : commands) {
            if (command instanceof RuntimeCommand.AddServer
                    || command instanceof RuntimeCommand.DelServer
                    || command instanceof RuntimeCommand.SetState) {
                LOG.info("runtime: {}", command.wire());
            } else {
                LOG.debug("runtime: {}", command.wire());
            }
        }
    }
}
