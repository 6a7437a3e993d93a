package io.smartstack.synapse.haproxy.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the planner decided: runtime commands to send in order, the reasons a reload is needed (empty
 * when none), the drains in progress (server to when its drain began), whether the plan must be made
 * again later (a drain is waiting for its sessions to end), and notes worth logging once.
 */
public record Plan(
        List<RuntimeCommand> commands,
        List<ReloadReason> reloadReasons,
        Map<ServerRef, Instant> draining,
        boolean followUp,
        List<String> notes) {
    public Plan {
        commands = List.copyOf(commands);
        reloadReasons = List.copyOf(reloadReasons);
        draining = Map.copyOf(draining);
        notes = List.copyOf(notes);
    }
}
