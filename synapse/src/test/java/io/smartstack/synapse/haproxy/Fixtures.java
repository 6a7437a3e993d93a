package io.smartstack.synapse.haproxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.SettingsReader;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.ServiceState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Test data: settings from YAML or JSON text, backends and services built by hand. */
public final class Fixtures {
    private Fixtures() {}

    public static String resource(String name) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a whole Synapse config text and returns its root, failing on any problem. */
    public static ConfigNode root(String text) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse(text, "test").root(problems);
        problems.throwIfAny();
        return root;
    }

    public static HaproxySettings settings(String wholeConfig) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse(wholeConfig, "test").root(problems);
        HaproxySettings settings = SettingsReader.read(root.child("haproxy"), true);
        problems.throwIfAny();
        return settings;
    }

    public static JsonNode json(String wholeConfig, String... path) {
        JsonNode node = root(wholeConfig).raw();
        for (String key : path) {
            node = node.path(key);
        }
        return node;
    }

    public static Backend backend(String name, String host, int port) {
        return new Backend(
                host,
                port,
                name,
                OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Map.of(),
                BackendOrigin.REGISTRY);
    }

    public static Backend backend(String name, String host, int port, BackendOrigin origin) {
        return backend(name, host, port).withOrigin(origin);
    }

    public static ServiceState service(String name, List<Backend> backends, JsonNode haproxy) {
        return new ServiceState(name, backends, haproxy == null ? Map.of() : Map.of("haproxy", haproxy));
    }
}
