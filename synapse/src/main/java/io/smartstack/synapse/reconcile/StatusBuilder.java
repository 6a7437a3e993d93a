package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the immutable {@link SynapseStatus} from the reconciler's state. */
final class StatusBuilder {
    private StatusBuilder() {}

    static SynapseStatus build(
            Instant startedAt,
            boolean ready,
            Collection<ServiceEntry> services,
            ReconcilerApplier applier,
            Map<String, SynapseStatus.RegistryStatus> registries) {
        List<SynapseStatus.ServiceStatus> result = new ArrayList<>();
        for (ServiceEntry entry : services) {
            List<Backend> backends = applier.lastApplied()
                    .map(state -> state.services().get(entry.name()))
                    .map(ServiceState::backends)
                    .orElse(entry.current);
            result.add(new SynapseStatus.ServiceStatus(
                    entry.name(),
                    entry.config.discovery().method(),
                    backends,
                    entry.selection,
                    entry.lastChange,
                    entry.rejected));
        }
        Optional<Instant> lastChange = services.stream()
                .map(e -> e.lastChange)
                .flatMap(Optional::stream)
                .max(Comparator.naturalOrder());
        return new SynapseStatus(
                startedAt, ready, lastChange, applier.lastApply(), applier.applies(), result, registries);
    }
}
