package io.smartstack.synapse.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the per-generator config a znode may hold ({@code {"haproxy": {...}}}). Empty data means none;
 * data that is not a JSON object is ignored, with one warning until it changes when it looks like JSON
 * (Curator writes the creator's IP address into nodes created without data: that is not worth a warning).
 */
final class GeneratorConfigData {
    private static final Logger log = LoggerFactory.getLogger(GeneratorConfigData.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String service;
    private String lastWarned;

    GeneratorConfigData(String service) {
        this.service = service;
    }

    Optional<JsonNode> parse(String path, byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            JsonNode tree = JSON.readTree(text);
            if (tree != null && tree.isObject()) {
                lastWarned = null;
                return tree.isEmpty() ? Optional.empty() : Optional.of(tree);
            }
        } catch (Exception e) {
            // reported below
        }
        boolean looksLikeJson = text.startsWith("{") || text.startsWith("[");
        if (looksLikeJson && !text.equals(lastWarned)) {
            lastWarned = text;
            log.warn(
                    "service {}: ignoring generator config in {}: not a JSON object: '{}'",
                    service,
                    path,
                    text.length() > 80 ? text.substring(0, 77) + "..." : text);
        }
        return Optional.empty();
    }
}
