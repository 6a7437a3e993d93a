package io.smartstack.synapse.discovery;

/**
 * Watches one service's registry and hands snapshots to a {@link DiscoverySink}. A watcher never empties
 * a service because its registry is unreachable: it simply reports nothing until it can see again.
 * {@link #start()} once; {@link #close()} is idempotent and legal before start.
 */
public interface DiscoveryWatcher extends AutoCloseable {
    void start() throws Exception;

    @Override
    void close();
}
