package io.smartstack.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.MigrationNotes.Difference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationNotesTest {
    private static JsonNode json(String text) {
        return ConfigDocument.parse(text, "test.json", ConfigDocument.Format.JSON, EnvironmentSubstitution.of(Map.of()))
                .root(new ConfigProblems())
                .raw();
    }

    @Test
    void onlyKeysPresentInTheFileAndMatchingTheirConditionAreReportedInDocumentOrder() {
        JsonNode root = json(
                """
                {
                \t"services": {
                \t\t"web": {"checks": [{"type": "tcp"}, {"type": "http", "ssl": true}]},
                \t\t"api": {"checks": [{"type": "http", "ssl": false}]}
                \t},
                \t"extra_sections": {"listen stats :3212": []}
                }
                """);
        List<Difference> differences = List.of(
                Difference.when("services.*.checks[].ssl", JsonNode::asBoolean, "verified"),
                Difference.when("services.*.checks[].type", v -> v.asText().equals("tcp"), "IPv6 too"),
                Difference.of("extra_sections.*", "verbatim"),
                Difference.of("heartbeat_path", "never present"));

        assertEquals(
                List.of(
                        "services.web.checks[0].type: IPv6 too",
                        "services.web.checks[1].ssl: verified",
                        "extra_sections.\"listen stats :3212\": verbatim"),
                MigrationNotes.apply(root, differences));
    }

    @Test
    void aJsonSyntaxErrorKeepsLineAndColumnAndTabsAreFine() {
        ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class,
                () -> ConfigDocument.parse(
                        "{\n\t\"a\": 1\n\t\"b\": 2\n}",
                        "x.json",
                        ConfigDocument.Format.JSON,
                        EnvironmentSubstitution.of(Map.of())));
        ConfigProblem problem = error.problems().get(0);
        assertEquals(3, problem.line(), problem.toString());
        assertEquals(2, problem.column(), problem.toString());
        assertEquals(true, problem.message().startsWith("not valid JSON: "), problem.message());
    }

    @Test
    void theFormatFollowsTheFileName() {
        assertEquals(
                ConfigDocument.Format.JSON, ConfigDocument.Format.of(java.nio.file.Path.of("/etc/synapse.conf.json")));
        assertEquals(ConfigDocument.Format.JSON, ConfigDocument.Format.of(java.nio.file.Path.of("WEB.JSON")));
        assertEquals(ConfigDocument.Format.YAML, ConfigDocument.Format.of(java.nio.file.Path.of("synapse.yaml")));
        assertEquals(ConfigDocument.Format.YAML, ConfigDocument.Format.of(java.nio.file.Path.of("synapse.conf")));
    }
}
