package io.smartstack.synapse.haproxy.runtime;

/** What became of one runtime command. */
public sealed interface CommandOutcome {
    RuntimeCommand command();

    /** HAProxy did it. */
    record Accepted(RuntimeCommand command) implements CommandOutcome {}

    /** The current process refused it; {@code answer} is HAProxy's text ("Server still has connections ..."). */
    record Refused(RuntimeCommand command, String answer) implements CommandOutcome {}

    /**
     * Not carried out by the current process: the session reached an old, stopping process (a reload
     * happened meanwhile; its answer was "Proxy is disabled."). Not a failure: read the state again and
     * plan again. The session has already moved to the current process.
     */
    record Stale(RuntimeCommand command) implements CommandOutcome {}

    /** Not sent or not answered: the socket is unreachable or timed out. */
    record Unreachable(RuntimeCommand command, String reason) implements CommandOutcome {}
}
