package io.smartstack.synapse.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.synapse.selection.SelectionRules;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of {@code services}.
 *
 * @param name the service name
 * @param discovery where its backends come from
 * @param rules backend selection settings
 * @param generatorConfig generator name to this service's raw section for it (only sections present)
 */
public record ServiceConfig(
        String name, DiscoveryConfig discovery, SelectionRules rules, Map<String, JsonNode> generatorConfig) {
    public ServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(rules, "rules");
        generatorConfig = Map.copyOf(generatorConfig);
    }
}
