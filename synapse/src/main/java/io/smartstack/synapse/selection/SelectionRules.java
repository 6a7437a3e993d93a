package io.smartstack.synapse.selection;

import io.smartstack.synapse.model.Backend;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A service's backend-selection settings, as configured.
 *
 * @param defaultServers {@code default_servers}, with origin {@code DEFAULT_SERVERS}
 * @param keepDefaultServers {@code keep_default_servers}: always add the default servers
 * @param usePreviousBackends {@code use_previous_backends}: keep the last list when discovery finds none
 * @param backendPortOverride {@code backend_port_override}: replaces every discovered port
 * @param labelFilters {@code discovery.label_filters}: every filter must pass
 */
public record SelectionRules(
        List<Backend> defaultServers,
        boolean keepDefaultServers,
        boolean usePreviousBackends,
        OptionalInt backendPortOverride,
        List<LabelFilter> labelFilters) {

    public SelectionRules {
        defaultServers = List.copyOf(defaultServers);
        Objects.requireNonNull(backendPortOverride, "backendPortOverride");
        labelFilters = List.copyOf(labelFilters);
    }

    /** The original's defaults: no default servers, previous backends kept, no override, no filters. */
    public static SelectionRules defaults() {
        return new SelectionRules(List.of(), false, true, OptionalInt.empty(), List.of());
    }
}
