package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
        // plain loops: at 1,000 services this runs after every change
        Map<String, ServiceState> applied =
                applier.lastApplied().map(DesiredState::services).orElse(Map.of());
        List<SynapseStatus.ServiceStatus> result = new ArrayList<>(services.size());
        Instant latest = null;
        for (ServiceEntry entry : services) {
            ServiceState state = applied.get(entry.name());
            List<Backend> backends = state != null ? state.backends() : entry.current;
            result.add(new SynapseStatus.ServiceStatus(
                    entry.name(),
                    entry.config.discovery().method(),
                    backends,
                    entry.selection,
                    entry.lastChange,
                    entry.rejected));
            if (entry.lastChange.isPresent()
                    && (latest == null || entry.lastChange.get().isAfter(latest))) {
                latest = entry.lastChange.get();
            }
        }
        Optional<Instant> lastChange = Optional.ofNullable(latest);
        return new SynapseStatus(
                startedAt, ready, lastChange, applier.lastApply(), applier.applies(), result, registries);
    }
}
