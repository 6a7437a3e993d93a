package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.Fixtures;
import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.ServiceSettings;
import io.smartstack.synapse.haproxy.config.ServiceSettingsReader;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.DesiredState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original synapse.conf.json example (airbnb/synapse config/synapse.conf.json) renders the expected
 * config. Set -Dgolden.update=true to rewrite the golden file after an intended change.
 */
class OriginalExampleGoldenTest {
    private static final String GOLDEN = "haproxy/original-example.cfg";

    @Test
    void originalExampleRendersTheGoldenConfig() throws IOException {
        String config = Fixtures.resource("haproxy/original-example.json");
        HaproxySettings settings = Fixtures.settings(config);
        DesiredState desired = DesiredState.of(List.of(
                Fixtures.service(
                        "service1",
                        List.of(
                                Fixtures.backend("i-abc", "10.0.0.5", 8080),
                                Fixtures.backend("i-def", "10.0.0.6", 8080),
                                Fixtures.backend("old", "10.0.0.7", 8080, BackendOrigin.STATE_CACHE)),
                        Fixtures.json(config, "services", "service1", "haproxy")),
                Fixtures.service(
                        "service2",
                        List.of(Fixtures.backend("default1", "localhost", 8422, BackendOrigin.DEFAULT_SERVERS)),
                        Fixtures.json(config, "services", "service2", "haproxy"))));
        Map<String, ServiceSettings> services = new LinkedHashMap<>();
        ConfigNode root = Fixtures.root(config);
        for (String name : List.of("service1", "service2")) {
            ConfigProblems problems = new ConfigProblems();
            services.put(
                    name,
                    ServiceSettingsReader.read(
                            root.child("services").child(name).child("haproxy")));
            problems.throwIfAny();
        }
        HaproxyModel model = ModelBuilder.build(ModelBuilder.Context.fresh(settings, true), desired, services);
        String rendered = HaproxyConfigRenderer.withDefaultTemplate().render(model);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources/" + GOLDEN), rendered, StandardCharsets.UTF_8);
        }
        assertEquals(Fixtures.resource(GOLDEN), rendered);
    }
}
