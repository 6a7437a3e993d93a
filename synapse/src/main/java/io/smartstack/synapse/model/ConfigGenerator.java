package io.smartstack.synapse.model;

/**
 * Makes one output match the desired state: HAProxy ({@code haproxy}) or JSON files
 * ({@code file_output}). Called only from the reconciler thread, so implementations need no locking
 * for their own state. {@link #apply} must not throw for a problem with the data plane (HAProxy down,
 * a failed config check): it logs the transition, keeps what works, and retries on the next call or
 * on its own schedule.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #apply} any number of times, then {@link
 * #close()} (idempotent, legal before start). Closing never stops a data plane that outlives Synapse.
 */
public interface ConfigGenerator extends AutoCloseable {
    /** The top-level config key naming this generator: {@code haproxy}, {@code file_output}. */
    String name();

    void start() throws Exception;

    /** Makes the output match {@code desired}; a state equal to the last one applied should cost nothing. */
    void apply(DesiredState desired);

    /**
     * The text this generator would write for {@code desired} (the haproxy.cfg for {@code synapse
     * render}), without writing anything; empty for generators with no single text output.
     */
    default java.util.Optional<String> preview(DesiredState desired) {
        return java.util.Optional.empty();
    }

    /** A JSON-serializable view of this generator's state for the admin API ({@code GET /status}). */
    default Object status() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
