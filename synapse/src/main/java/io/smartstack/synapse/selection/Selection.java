package io.smartstack.synapse.selection;

import io.smartstack.synapse.model.Backend;
import java.util.List;

/**
 * The outcome of {@link BackendSelection#select}.
 *
 * @param backends the backends to route to (the current list itself when nothing changed)
 * @param changed false when the result equals the current list, order ignored
 * @param reason which rule produced the list
 */
public record Selection(List<Backend> backends, boolean changed, Reason reason) {
    public Selection {
        backends = List.copyOf(backends);
    }

    public enum Reason {
        /** Discovery found backends (plus default servers with keep_default_servers). */
        DISCOVERED,
        /** Nothing found: the default servers. */
        DEFAULT_SERVERS,
        /** Nothing found, no default servers: the previous list is kept. */
        PREVIOUS_BACKENDS,
        /** Nothing found, no default servers, use_previous_backends off: empty. */
        EMPTY
    }
}
