package io.smartstack.synapse.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A backend as JSON, with the original's field names: {@code name}, {@code host}, {@code port}, {@code id},
 * {@code weight}, {@code haproxy_server_options}, {@code labels}, {@code haproxy_server_id} (absent optional
 * fields omitted).
 */
public final class BackendJson {
    public static final ObjectMapper JSON = new ObjectMapper();

    private BackendJson() {}

    public static ObjectNode write(Backend backend) {
        ObjectNode node = JSON.createObjectNode();
        if (backend.name() == null) {
            node.putNull("name");
        } else {
            node.put("name", backend.name());
        }
        node.put("host", backend.host());
        node.put("port", backend.port());
        backend.id().ifPresent(id -> node.put("id", id));
        backend.weight().ifPresent(weight -> node.put("weight", weight));
        backend.haproxyServerOptions().ifPresent(options -> node.put("haproxy_server_options", options));
        ObjectNode labels = node.putObject("labels");
        backend.labels().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> labels.put(entry.getKey(), entry.getValue()));
        backend.haproxyServerId().ifPresent(serverId -> node.put("haproxy_server_id", serverId));
        return node;
    }

    /** Reads what {@link #write} wrote; throws {@link IllegalArgumentException} for anything else. */
    public static Backend read(JsonNode node, BackendOrigin origin) {
        if (!node.path("host").isTextual()
                || !node.path("port").isIntegralNumber()
                || !node.path("port").canConvertToInt()) {
            throw new IllegalArgumentException("not a backend: " + node);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        node.path("labels").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                labels.put(e.getKey(), e.getValue().asText());
            }
        });
        JsonNode name = node.get("name");
        JsonNode serverId = node.path("haproxy_server_id");
        return new Backend(
                node.get("host").asText(),
                node.get("port").asInt(),
                name == null || name.isNull() ? null : name.asText(),
                node.path("id").canConvertToLong()
                        ? OptionalLong.of(node.get("id").asLong())
                        : OptionalLong.empty(),
                node.path("weight").canConvertToInt()
                        ? OptionalInt.of(node.get("weight").asInt())
                        : OptionalInt.empty(),
                node.path("haproxy_server_options").isTextual()
                        ? Optional.of(node.get("haproxy_server_options").asText())
                        : Optional.empty(),
                labels,
                origin,
                serverId.canConvertToInt() && serverId.asInt() >= 1
                        ? OptionalInt.of(serverId.asInt())
                        : OptionalInt.empty());
    }
}
