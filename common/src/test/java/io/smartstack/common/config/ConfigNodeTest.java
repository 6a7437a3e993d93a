package io.smartstack.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigNodeTest {
    private static ConfigNode read(String yaml, ConfigProblems problems) {
        return ConfigDocument.parse(yaml, "test.yaml", EnvironmentSubstitution.of(Map.of("SECRET", "s3cret")))
                .root(problems);
    }

    @Test
    void unknownKeyIsReportedWithPathLineAndSuggestion() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = read("services:\n  web:\n    host: 10.0.0.1\n    cheks: []\n", problems);
        ConfigNode web = root.entries("services").get("web");
        web.requiredString("host");
        web.list("checks");
        web.finish();
        root.finish();

        assertThat(problems.list()).hasSize(1);
        ConfigProblem problem = problems.list().get(0);
        assertThat(problem.path()).isEqualTo("services.web.cheks");
        assertThat(problem.line()).isEqualTo(4);
        assertThat(problem.column()).isEqualTo(5);
        assertThat(problem.toString())
                .isEqualTo(
                        "services.web.cheks: unknown key 'cheks'. Did you mean: checks? (test.yaml, line 4, column 5)");
    }

    @Test
    void everyProblemIsCollectedNotJustTheFirst() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = read("port: 99999\ncheck_interval: soon\nrise: -1\n", problems);
        root.requiredPort("port");
        root.positiveDuration("check_interval", Duration.ofMillis(500));
        root.integerAtLeast("rise", 1, 1);
        root.requiredString("host");
        root.finish();

        assertThat(problems.list())
                .extracting(ConfigProblem::path)
                .containsExactly("port", "check_interval", "rise", "host");
        assertThat(problems.list().get(0).message()).contains("99999");
        assertThat(problems.list().get(1).message()).contains("'soon'");
        assertThat(problems.list().get(2).message()).isEqualTo("must be >= 1, got -1");
        assertThat(problems.list().get(3).message()).isEqualTo("is required");
    }

    @ParameterizedTest
    @CsvSource({"0.5, 500", "2, 2000", "'\"500ms\"', 500", "'\"2s\"', 2000", "'\"1.5m\"', 90000", "0.2, 200"})
    void durationsAcceptSecondsAsNumbersAndStringsWithUnits(String yamlValue, long millis) {
        ConfigProblems problems = new ConfigProblems();
        Duration value = read("timeout: " + yamlValue + "\n", problems).duration("timeout", Duration.ZERO);
        assertThat(problems.isEmpty()).isTrue();
        assertThat(value).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void environmentVariablesAreSubstitutedWithDefaults() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = read(
                "password: ${SECRET}\nuser: ${USER_NAME:-guest}\nliteral: $${SECRET}\nmissing: ${NOT_SET}\n", problems);
        assertThat(root.string("password", "")).isEqualTo("s3cret");
        assertThat(root.string("user", "")).isEqualTo("guest");
        assertThat(root.string("literal", "")).isEqualTo("${SECRET}");
        root.string("missing", "");
        assertThat(problems.list()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("missing");
            assertThat(problem.message()).contains("NOT_SET is not set");
        });
    }

    @Test
    void notSupportedKeyNamesTheKey() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = read("reporter_type: etcd\n", problems);
        root.notSupported("reporter_type", "only the zookeeper reporter is implemented");
        root.finish();
        assertThat(problems.list())
                .singleElement()
                .hasToString(
                        "reporter_type: not supported: only the zookeeper reporter is implemented (test.yaml, line 1, column 1)");
    }

    @Test
    void jsonFromTheOriginalsLoadsAsYaml() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root =
                read("{\"instance_id\": \"i-1\", \"zk_hosts\": [\"a:2181\", \"b:2181\"], \"weight\": \"2\"}", problems);
        assertThat(root.requiredString("instance_id")).isEqualTo("i-1");
        assertThat(root.stringList("zk_hosts")).isEqualTo(List.of("a:2181", "b:2181"));
        assertThat(root.integer("weight", 0)).isEqualTo(2);
        root.finish();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void listElementsCarryTheirIndexInPaths() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = read("checks:\n  - type: http\n  - type: tcp\n    timeout: -1\n", problems);
        List<ConfigNode> checks = root.list("checks");
        checks.get(1).positiveDuration("timeout", Duration.ofMillis(100));
        assertThat(problems.list()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("checks[1].timeout");
            assertThat(problem.line()).isEqualTo(4);
        });
    }

    @Test
    void oneOfSuggestsTheClosestAllowedValue() {
        ConfigProblems problems = new ConfigProblems();
        read("node_type: ephemeral_sequentail\n", problems)
                .oneOf("node_type", "ephemeral_sequential", List.of("ephemeral_sequential", "ephemeral", "persistent"));
        assertThat(problems.list()).singleElement().satisfies(problem -> assertThat(problem.message())
                .endsWith("got 'ephemeral_sequentail'. Did you mean: ephemeral_sequential?"));
    }

    @Test
    void syntaxErrorsNameTheFileAndLine() {
        org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> read("a: [1, 2\nb: 3\n", new ConfigProblems()));
        ConfigException error = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> ConfigDocument.parse("a: [1, 2\nb: 3\n", "bad.yaml"));
        assertThat(error.problems().get(0).source()).isEqualTo("bad.yaml");
        assertThat(error.problems().get(0).line()).isPositive();
    }
}
