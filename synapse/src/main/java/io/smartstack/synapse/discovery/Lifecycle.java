package io.smartstack.synapse.discovery;

import java.util.concurrent.atomic.AtomicReference;

/** LATENT -> STARTED -> CLOSED, changed by compare-and-set: start twice fails, close is idempotent. */
final class Lifecycle {
    enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final String what;

    Lifecycle(String what) {
        this.what = what;
    }

    void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException(what + " cannot be started: " + state.get());
        }
    }

    /** True when this call closed a started component (so the caller releases what it holds). */
    boolean close() {
        return state.getAndSet(State.CLOSED) == State.STARTED;
    }

    boolean isStarted() {
        return state.get() == State.STARTED;
    }
}
