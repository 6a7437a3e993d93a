package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.cache.StateCache;
import io.smartstack.synapse.config.ServiceConfig;
import io.smartstack.synapse.config.SynapseConfig;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import io.smartstack.synapse.selection.BackendSelection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Builds the desired state from the services' current backends, their config and the state cache. */
public final class DesiredStates {
    private DesiredStates() {}

    /**
     * The desired state before anything is discovered: each service with what its selection rules give for
     * an empty registry (its default servers, or none). What {@code synapse validate} renders.
     */
    public static DesiredState fromDefaultServers(SynapseConfig config) {
        List<ServiceState> states = new ArrayList<>();
        for (ServiceConfig service : config.services()) {
            List<Backend> backends = BackendSelection.select(List.of(), List.of(), service.rules())
                    .backends();
            states.add(new ServiceState(service.name(), backends, service.generatorConfig()));
        }
        return DesiredState.of(states);
    }

    /**
     * Without a state cache, a service whose entry did not change since the last build keeps its
     * {@link ServiceState} (the same object), so a change costs the changed services; with one, every
     * service is built again (remembered backends expire with time).
     */
    static DesiredState build(
            Collection<ServiceEntry> services, List<String> generatorNames, StateCache cache, Instant now) {
        List<ServiceState> states = new ArrayList<>();
        for (ServiceEntry entry : services) {
            if (cache == null && !entry.dirty && entry.built != null) {
                states.add(entry.built);
                continue;
            }
            List<Backend> backends = new ArrayList<>(entry.current);
            if (cache != null) {
                backends = new ArrayList<>(cache.withServerIds(entry.name(), entry.current));
                backends.addAll(cache.absent(entry.name(), entry.current, now));
            }
            ServiceState state = new ServiceState(
                    entry.name(),
                    backends,
                    GeneratorConfigMerge.merge(
                            generatorNames,
                            entry.config.generatorConfig(),
                            entry.last.flatMap(s -> s.generatorConfig())));
            if (entry.built != null && entry.built.equals(state)) {
                state = entry.built;
            }
            entry.built = state;
            entry.dirty = false;
            states.add(state);
        }
        return DesiredState.of(states);
    }
}
