package io.smartstack.synapse.haproxy.runtime;

/**
 * A command for HAProxy's runtime API, as a value. {@link #wire()} renders every kind in one place
 * and {@link #succeeded(String)} judges HAProxy's answer.
 */
public sealed interface RuntimeCommand {
    /** {@code add server <backend>/<server> <address> id <id> [options]}: the server starts in maintenance. */
    record AddServer(String backend, String server, String address, int id, String options) implements RuntimeCommand {}

    /** {@code del server}: only for a server in maintenance with no connection left. */
    record DelServer(String backend, String server) implements RuntimeCommand {}

    /** {@code set server <b>/<s> state ready|drain|maint}. */
    record SetState(String backend, String server, AdminState state) implements RuntimeCommand {}

    /** {@code set server <b>/<s> weight <w>}. */
    record SetWeight(String backend, String server, int weight) implements RuntimeCommand {}

    /** {@code enable health <b>/<s>}: starts the checks of a dynamic server added with {@code check}. */
    record EnableHealth(String backend, String server) implements RuntimeCommand {}

    /** {@code shutdown sessions server <b>/<s>}: cuts what is left after a drain timeout. */
    record ShutdownSessions(String backend, String server) implements RuntimeCommand {}

    /** A server's administrative state as the runtime API sets it. */
    enum AdminState {
        READY,
        DRAIN,
        MAINT
    }

    /** The backend (proxy) this command acts on. */
    String backend();

    /** The server this command acts on. */
    String server();

    /** The command line sent to HAProxy (without the newline): every kind is rendered here. */
    default String wire() {
        String target = backend() + "/" + server();
        if (this instanceof AddServer add) {
            return ("add server " + target + " " + add.address() + " id " + add.id() + " " + add.options()).trim();
        }
        if (this instanceof DelServer) {
            return "del server " + target;
        }
        if (this instanceof SetState set) {
            return "set server " + target + " state " + set.state().name().toLowerCase(java.util.Locale.ROOT);
        }
        if (this instanceof SetWeight set) {
            return "set server " + target + " weight " + set.weight();
        }
        if (this instanceof EnableHealth) {
            return "enable health " + target;
        }
        if (this instanceof ShutdownSessions) {
            return "shutdown sessions server " + target;
        }
        throw new IllegalStateException("unknown command " + this);
    }

    /** Whether HAProxy's answer (without the prompt) means success. */
    default boolean succeeded(String answer) {
        String text = answer.trim();
        if (this instanceof AddServer) {
            return text.startsWith("New server registered");
        }
        if (this instanceof DelServer) {
            return text.startsWith("Server deleted");
        }
        return text.isEmpty();
    }
}
