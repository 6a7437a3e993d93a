package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.it.support.Launchers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped example, and the originals' JSON form, passes {@code validate}; bad configs are explained. */
class ConfigValidationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    static Stream<Arguments> examples() {
        return Stream.of(
                Arguments.of("nerve", "config-examples/nerve.yaml"),
                Arguments.of("nerve", "config-examples/original/nerve.conf.json"),
                Arguments.of("synapse", "config-examples/synapse.yaml"),
                Arguments.of("synapse", "config-examples/original/synapse.conf.json"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void shippedExampleValidates(String daemon, String example) {
        Path config = Launchers.root().resolve(example);
        Launchers.Result result =
                Launchers.run(daemon, List.of("validate", "--config", config.toString()), temp, TIMEOUT);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void originalFlagsCheckTheConfigToo() {
        Path config = Launchers.root().resolve("config-examples/original/nerve.conf.json");
        Launchers.Result result = Launchers.run("nerve", List.of("-k", "-c", config.toString()), temp, TIMEOUT);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void misspeltKeyExitsTwoNamingThePathAndTheRightKey() throws IOException {
        Path config = write(
                "nerve.yaml",
                """
                instance_id: i-1
                services:
                  web:
                    host: 10.0.0.1
                    port: 8080
                    zk_hosts: [127.0.0.1:2181]
                    zk_path: /nerve/services/web/services
                    cheks:
                      - type: tcp
                """);
        Launchers.Result result =
                Launchers.run("nerve", List.of("validate", "--config", config.toString()), temp, TIMEOUT);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output())
                .contains("services.web.cheks: unknown key 'cheks'. Did you mean: checks?")
                .contains(config + ", line 8, column 5");
    }

    @Test
    void threeDifferentErrorsAreReportedTogether() throws IOException {
        Path config = write(
                "synapse.yaml",
                """
                services:
                  web:
                    discovery:
                      method: zookeper
                      path: /nerve/services/web/services
                      hosts: [127.0.0.1:2181]
                    default_servers:
                      - {name: a, host: 10.0.0.1, port: 99999}
                    use_previous_backend: true
                file_output:
                  output_directory: /tmp/out
                """);
        Launchers.Result result =
                Launchers.run("synapse", List.of("validate", "--config", config.toString()), temp, TIMEOUT);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output())
                .contains("services.web.discovery.method")
                .contains("zookeper")
                .contains("services.web.default_servers[0].port")
                .contains("99999")
                .contains("services.web.use_previous_backend")
                .contains("Did you mean: use_previous_backends?");
    }

    @Test
    void synapseValidateHasHaproxyCheckTheRenderedConfigAndNamesTheKeyOfABadLine() throws IOException {
        String original = Files.readString(Launchers.root().resolve("config-examples/original/synapse.conf.json"));
        Path config = write(
                "synapse.conf.json",
                original.replace("\"stats refresh 5s\"", "\"stats refresh 5s\", \"stats frobnicate\""));
        Launchers.Result result =
                Launchers.run("synapse", List.of("validate", "--config", config.toString()), temp, TIMEOUT);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output())
                .contains(
                        "haproxy -c: ALERT at haproxy.extra_sections.\"listen stats :3212\"[4]: unknown stats parameter"
                                + " 'frobnicate'")
                .contains(config + ": config refused by HAProxy");
    }

    @Test
    void aTabIndentedJsonFileWithASyntaxErrorNamesLineAndColumn() throws IOException {
        Path config = write(
                "nerve.conf.json", "{\n\t\"instance_id\": \"i-1\",\n\t\"services\": {\n\t}\n\t\"statsd\": {}\n}\n");
        Launchers.Result result =
                Launchers.run("nerve", List.of("validate", "--config", config.toString()), temp, TIMEOUT);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("not valid JSON: ").contains(config + ", line 5, column 2");
    }

    private Path write(String name, String text) throws IOException {
        Path file = temp.resolve(name);
        Files.writeString(file, text);
        return file;
    }
}
