package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.cache.StateCache;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Builds the desired state from the services' current backends, their config and the state cache. */
final class DesiredStates {
    private DesiredStates() {}

    static DesiredState build(
            Collection<ServiceEntry> services, List<String> generatorNames, StateCache cache, Instant now) {
        List<ServiceState> states = new ArrayList<>();
        for (ServiceEntry entry : services) {
            List<Backend> backends = new ArrayList<>(entry.current);
            if (cache != null) {
                backends = new ArrayList<>(cache.withServerIds(entry.name(), entry.current));
                backends.addAll(cache.absent(entry.name(), entry.current, now));
            }
            states.add(new ServiceState(
                    entry.name(),
                    backends,
                    GeneratorConfigMerge.merge(
                            generatorNames,
                            entry.config.generatorConfig(),
                            entry.last.flatMap(s -> s.generatorConfig()))));
        }
        return DesiredState.of(states);
    }
}
