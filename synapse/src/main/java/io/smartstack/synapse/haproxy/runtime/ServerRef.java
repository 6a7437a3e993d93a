package io.smartstack.synapse.haproxy.runtime;

/** A server of a backend: {@code backend/server}. */
public record ServerRef(String backend, String server) {
    @Override
    public String toString() {
        return backend + "/" + server;
    }
}
