package io.smartstack.synapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynapseMainTest {
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = SynapseMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path config(String text) throws Exception {
        Path file = directory.resolve("synapse.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static final String VALID =
            """
            services:
              web:
                discovery: {method: base}
                default_servers: [{host: 127.0.0.1, port: 8080}]
            file_output: {output_directory: /tmp/synapse-files}
            """;

    @Test
    void validateExitsZeroForAValidConfig() throws Exception {
        Path file = config(VALID);
        assertEquals(0, run("validate", "--config", file.toString()), err::toString);
        assertTrue(out.toString().contains("config OK"));
    }

    @Test
    void checkConfigFlagIsTheOriginalsAliasForValidate() throws Exception {
        Path file = config(VALID);
        assertEquals(0, run("-k", "-c", file.toString()), err::toString);
    }

    @Test
    void validateExitsTwoListingEveryProblem() throws Exception {
        Path file = config(VALID.replace("default_servers", "default_server") + "statsd: {hots: x}\n");
        assertEquals(2, run("validate", "--config", file.toString()));
        String problems = err.toString();
        assertTrue(problems.contains("3 configuration problems"), problems);
        assertTrue(problems.contains("services.web.default_servers: must list at least one server"), problems);
        assertTrue(problems.contains("services.web.default_server: unknown key"), problems);
        assertTrue(problems.contains("Did you mean: host?"), problems);
    }

    @Test
    void aMissingConfigIsAUsageError() {
        assertEquals(2, run("validate"));
        assertTrue(err.toString().contains("a config file is required"), err::toString);
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("--check-config"));
        assertTrue(out.toString().contains("render"));
        assertEquals(0, run("--version"));
        assertTrue(out.toString().contains("synapse"));
    }
}
