package io.smartstack.synapse.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.GeneratorContext;
import io.smartstack.synapse.model.ServiceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutputGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private ConfigGenerator generator(ConfigProblems problems) {
        ConfigNode root = ConfigDocument.parse("file_output: {output_directory: " + directory + "}", "test")
                .root(problems);
        return new FileOutputFactory()
                .create(root.child("file_output"), Map.of(), new GeneratorContext(new SimpleMeterRegistry()));
    }

    private static Backend backend(String name, String host, BackendOrigin origin) {
        return new Backend(
                host,
                8080,
                name,
                OptionalLong.of(42),
                OptionalInt.of(2),
                Optional.of("backup"),
                Map.of("az", "a"),
                origin);
    }

    private static ServiceState service(String name, List<Backend> backends, Map<String, JsonNode> config) {
        return new ServiceState(name, backends, config);
    }

    @Test
    void writesOneFilePerServiceOnlyWhenItChanges() throws Exception {
        ConfigProblems problems = new ConfigProblems();
        try (ConfigGenerator generator = generator(problems)) {
            assertTrue(problems.isEmpty(), problems.list()::toString);
            generator.start();
            Backend b = backend("i-2", "10.0.0.2", BackendOrigin.REGISTRY);
            Backend a = backend("i-1", "10.0.0.1", BackendOrigin.REGISTRY);
            generator.apply(DesiredState.of(List.of(service("web", List.of(b, a), Map.of()))));
            Path file = directory.resolve("web.json");
            assertEquals(
                    JSON.readTree(
                            """
                            [{"name":"i-1","host":"10.0.0.1","port":8080,"id":42,"weight":2,
                              "haproxy_server_options":"backup","labels":{"az":"a"}},
                             {"name":"i-2","host":"10.0.0.2","port":8080,"id":42,"weight":2,
                              "haproxy_server_options":"backup","labels":{"az":"a"}}]"""),
                    JSON.readTree(file.toFile()));
            FileTime marker = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
            Files.setLastModifiedTime(file, marker);

            generator.apply(DesiredState.of(List.of(service("web", List.of(a, b), Map.of()))));
            assertEquals(marker, Files.getLastModifiedTime(file), "same set in another order rewrote the file");

            generator.apply(DesiredState.of(List.of(service("web", List.of(a), Map.of()))));
            assertEquals(1, JSON.readTree(file.toFile()).size());
        }
    }

    @Test
    void removesFilesOfServicesNoLongerManagedAndOfOptedOutServices() throws Exception {
        ConfigProblems problems = new ConfigProblems();
        try (ConfigGenerator generator = generator(problems)) {
            generator.start();
            Files.writeString(directory.resolve("notes.txt"), "not ours");
            Backend a = backend("i-1", "10.0.0.1", BackendOrigin.REGISTRY);
            generator.apply(DesiredState.of(
                    List.of(service("web", List.of(a), Map.of()), service("api", List.of(a), Map.of()))));
            assertTrue(Files.exists(directory.resolve("api.json")));

            JsonNode disabled = JSON.readTree("{\"disabled\": true}");
            generator.apply(DesiredState.of(List.of(service("web", List.of(a), Map.of("file_output", disabled)))));

            assertFalse(Files.exists(directory.resolve("api.json")));
            assertFalse(Files.exists(directory.resolve("web.json")));
            assertTrue(Files.exists(directory.resolve("notes.txt")));
        }
    }

    @Test
    void backendsKeptOnlyByTheStateCacheAreNotWritten() throws Exception {
        try (ConfigGenerator generator = generator(new ConfigProblems())) {
            generator.start();
            generator.apply(DesiredState.of(List.of(service(
                    "web",
                    List.of(
                            backend("i-1", "10.0.0.1", BackendOrigin.REGISTRY),
                            backend("i-2", "10.0.0.2", BackendOrigin.STATE_CACHE)),
                    Map.of()))));
            JsonNode written = JSON.readTree(directory.resolve("web.json").toFile());
            assertEquals(1, written.size());
            assertEquals("10.0.0.1", written.get(0).get("host").asText());
        }
    }

    @Test
    void outputDirectoryIsRequiredAndServiceKeysAreChecked() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse("file_output: {output_directroy: /tmp}\nweb: {disabld: true}", "test")
                .root(problems);
        new FileOutputFactory()
                .create(
                        root.child("file_output"),
                        Map.of("web", root.child("web")),
                        new GeneratorContext(new SimpleMeterRegistry()))
                .close();
        List<String> messages = problems.list().stream().map(Object::toString).toList();
        assertTrue(
                messages.stream().anyMatch(m -> m.contains("file_output.output_directory: is required")),
                messages::toString);
        assertTrue(messages.stream().anyMatch(m -> m.contains("Did you mean: output_directory?")), messages::toString);
        assertTrue(messages.stream().anyMatch(m -> m.contains("Did you mean: disabled?")), messages::toString);
    }
}
