package io.smartstack.synapse.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges the registry's per-generator config over a service's local sections: maps merge key by key
 * (recursively), anything else in the registry replaces the local value. Unlike the original, which
 * replaces the local config wholesale, a registry section only overrides what it names.
 */
final class GeneratorConfigMerge {
    private GeneratorConfigMerge() {}

    static Map<String, JsonNode> merge(
            List<String> generators, Map<String, JsonNode> local, Optional<JsonNode> registry) {
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        for (String generator : generators) {
            JsonNode base = local.get(generator);
            JsonNode override = registry.map(r -> r.get(generator)).orElse(null);
            JsonNode result = override == null ? base : base == null ? override : merge(base, override);
            if (result != null) {
                merged.put(generator, result);
            }
        }
        return merged;
    }

    static JsonNode merge(JsonNode base, JsonNode override) {
        if (!base.isObject() || !override.isObject()) {
            return override;
        }
        ObjectNode result = ((ObjectNode) base).deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = result.get(field.getKey());
            result.set(field.getKey(), existing == null ? field.getValue() : merge(existing, field.getValue()));
        }
        return result;
    }
}
