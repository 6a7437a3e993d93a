package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.discovery.RejectedRegistration;
import io.smartstack.synapse.model.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the reconciler knows, at one moment, for the admin API. Immutable.
 *
 * @param ready false while waiting for the first discovery results at startup (or after a reload)
 * @param lastChange when any service's backends last changed
 * @param lastApply when the generators were last handed a new desired state
 * @param applies how many desired states were applied since start
 * @param services every service, sorted by name
 * @param registries registry name to its connection state
 */
public record SynapseStatus(
        Instant startedAt,
        boolean ready,
        Optional<Instant> lastChange,
        Optional<Instant> lastApply,
        long applies,
        List<ServiceStatus> services,
        Map<String, RegistryStatus> registries) {

    public SynapseStatus {
        services = List.copyOf(services);
        registries = Map.copyOf(registries);
    }

    /**
     * @param discovery the discovery method
     * @param backends the backends in the desired state (including state-cache ones)
     * @param selection the selection rule that produced the list: discovered, default_servers,
     *     previous_backends, empty, or waiting (no discovery result yet)
     * @param lastChange when this service's backends last changed
     * @param rejected registrations discovery saw but Synapse does not use, with the reason
     */
    public record ServiceStatus(
            String name,
            String discovery,
            List<Backend> backends,
            String selection,
            Optional<Instant> lastChange,
            List<RejectedRegistration> rejected) {
        public ServiceStatus {
            backends = List.copyOf(backends);
            rejected = List.copyOf(rejected);
        }

        public ServiceStatus(
                String name, String discovery, List<Backend> backends, String selection, Optional<Instant> lastChange) {
            this(name, discovery, backends, selection, lastChange, List.of());
        }
    }

    /** @param state connected or lost */
    public record RegistryStatus(String state, Instant since) {}
}
