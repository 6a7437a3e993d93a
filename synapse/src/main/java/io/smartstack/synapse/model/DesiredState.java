package io.smartstack.synapse.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything Synapse wants the data plane to look like, for every service, at one moment. Immutable;
 * the reconciler builds a new one for each change and hands it to every generator.
 */
public record DesiredState(Map<String, ServiceState> services) {
    public DesiredState {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
    }

    public static DesiredState of(List<ServiceState> services) {
        Map<String, ServiceState> byName = new LinkedHashMap<>();
        services.stream()
                .sorted(java.util.Comparator.comparing(ServiceState::name))
                .forEach(service -> byName.put(service.name(), service));
        return new DesiredState(byName);
    }
}
