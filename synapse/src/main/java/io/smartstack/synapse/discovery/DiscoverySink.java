package io.smartstack.synapse.discovery;

/**
 * Where watchers hand what they see. Implementations must return quickly and be safe to call from any
 * thread: watchers call them from ZooKeeper, polling and DNS threads.
 */
public interface DiscoverySink {
    /** The latest complete view of {@code service}. */
    void discovered(String service, DiscoverySnapshot snapshot);

    /** A registry connection changed state; only transitions are reported. */
    void registryConnection(String registry, RegistryState state);

    enum RegistryState {
        CONNECTED,
        LOST
    }
}
