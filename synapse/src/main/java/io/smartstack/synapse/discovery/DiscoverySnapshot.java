package io.smartstack.synapse.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.synapse.model.Backend;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one watcher currently sees for one service: a whole snapshot, never a delta, so a later
 * snapshot simply replaces an earlier one that was not processed yet.
 *
 * @param backends the registered backends (origin {@code REGISTRY}), in registry order
 * @param generatorConfig the registry's per-generator config (generator name to section), if any
 * @param observedAt when the registry change that produced this snapshot was observed
 * @param rejected the registrations seen but not used (they broke a rule), sorted by path
 */
public record DiscoverySnapshot(
        List<Backend> backends,
        Optional<JsonNode> generatorConfig,
        Instant observedAt,
        List<RejectedRegistration> rejected) {
    public DiscoverySnapshot {
        backends = List.copyOf(backends);
        Objects.requireNonNull(generatorConfig, "generatorConfig");
        Objects.requireNonNull(observedAt, "observedAt");
        rejected = List.copyOf(rejected);
    }

    /** A snapshot without rejected registrations. */
    public DiscoverySnapshot(List<Backend> backends, Optional<JsonNode> generatorConfig, Instant observedAt) {
        this(backends, generatorConfig, observedAt, List.of());
    }
}
