package io.smartstack.synapse.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The desired state of one service: its backends after selection, and each generator's section of the
 * service config (the local config merged with the registry's generator config, if any).
 *
 * @param name the service name (key under {@code services})
 * @param backends the backends to route to, de-duplicated, in discovery order (generators order them)
 * @param generatorConfig generator name ({@code haproxy}, {@code file_output}) to that generator's
 *     per-service section as raw JSON; a missing entry means the service has no such section
 */
public record ServiceState(String name, List<Backend> backends, Map<String, JsonNode> generatorConfig) {
    public ServiceState {
        Objects.requireNonNull(name, "name");
        backends = List.copyOf(backends);
        generatorConfig = Map.copyOf(generatorConfig);
    }
}
