package io.smartstack.synapse.fakes;

import io.smartstack.synapse.discovery.DiscoverySink;
import io.smartstack.synapse.discovery.DiscoverySnapshot;
import io.smartstack.synapse.model.Backend;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sink that records every snapshot and registry transition it is handed. */
public final class RecordingSink implements DiscoverySink {
    public record Received(String service, DiscoverySnapshot snapshot) {}

    public record Transition(String registry, RegistryState state) {}

    private final List<Received> snapshots = new CopyOnWriteArrayList<>();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();

    @Override
    public void discovered(String service, DiscoverySnapshot snapshot) {
        snapshots.add(new Received(service, snapshot));
    }

    @Override
    public void registryConnection(String registry, RegistryState state) {
        transitions.add(new Transition(registry, state));
    }

    public List<DiscoverySnapshot> snapshots(String service) {
        return snapshots.stream()
                .filter(r -> r.service().equals(service))
                .map(Received::snapshot)
                .toList();
    }

    public Optional<DiscoverySnapshot> latest(String service) {
        List<DiscoverySnapshot> all = snapshots(service);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The latest backends of {@code service}, or null when nothing was reported yet. */
    public List<Backend> backends(String service) {
        return latest(service).map(DiscoverySnapshot::backends).orElse(null);
    }

    public List<Transition> transitions() {
        return List.copyOf(transitions);
    }
}
