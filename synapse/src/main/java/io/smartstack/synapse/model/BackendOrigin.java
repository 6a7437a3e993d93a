package io.smartstack.synapse.model;

/** Where a backend in the desired state came from; shown on the status page to explain routing. */
public enum BackendOrigin {
    /** Seen in the registry (ZooKeeper, DNS) just now. */
    REGISTRY,
    /** From the service's {@code default_servers}. */
    DEFAULT_SERVERS,
    /** Kept from the last non-empty list because the registry now says none ({@code use_previous_backends}). */
    PREVIOUS_BACKENDS,
    /** Remembered in the state file; no longer registered, kept (in maintenance) so it can return without a reload. */
    STATE_CACHE
}
