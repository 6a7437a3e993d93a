package io.smartstack.synapse.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.reconcile.SynapseStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StatusJsonTest {
    private static final Backend WEB_1 = new Backend(
            "10.0.0.1",
            8080,
            "web-1",
            OptionalLong.of(3),
            OptionalInt.empty(),
            Optional.empty(),
            Map.of(),
            BackendOrigin.REGISTRY);
    private static final Backend WEB_2 = new Backend(
            "10.0.0.2",
            8080,
            "web-2",
            OptionalLong.of(4),
            OptionalInt.empty(),
            Optional.empty(),
            Map.of(),
            BackendOrigin.REGISTRY);

    /** The generator's servers keyed by server name, and as a list of maps with a name (the haproxy generator's shape). */
    static List<Object> serverShapes() {
        Map<String, Object> up = Map.of("name", "web-1_10.0.0.1:8080", "state", "up");
        return List.of(Map.of("web-1_10.0.0.1:8080", up), List.of(up));
    }

    @ParameterizedTest
    @MethodSource("serverShapes")
    @SuppressWarnings("unchecked")
    void eachBackendGetsTheGeneratorsViewOfItsServer(Object servers) {
        SynapseStatus status = new SynapseStatus(
                Instant.EPOCH,
                true,
                Optional.empty(),
                Optional.empty(),
                1,
                List.of(new SynapseStatus.ServiceStatus(
                        "web", "zookeeper", List.of(WEB_1, WEB_2), "discovered", Optional.empty())),
                Map.of());
        Map<String, Object> generators =
                Map.of("haproxy", Map.of("services", Map.of("web", Map.of("servers", servers))));

        Map<String, Object> root = StatusJson.build(status, generators);

        List<Map<String, Object>> backends = (List<Map<String, Object>>)
                ((List<Map<String, Object>>) root.get("services")).get(0).get("backends");
        assertEquals("up", ((Map<String, Object>) backends.get(0).get("haproxy")).get("state"));
        assertFalse(backends.get(1).containsKey("haproxy"), "web-2 has no server in the generator's view");
    }
}
