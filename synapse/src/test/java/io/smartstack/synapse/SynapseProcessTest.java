package io.smartstack.synapse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command in its own JVM: SIGHUP reloads (refusing an invalid file), SIGTERM stops cleanly. */
class SynapseProcessTest {
    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newHttpClient();

    private String config(int adminPort, String services) {
        return """
                services:
                %s
                file_output: {output_directory: %s}
                admin: {bind: 127.0.0.1, port: %d}
                """
                .formatted(services, directory.resolve("out"), adminPort);
    }

    private static final String FIRST =
            """
              first:
                discovery: {method: base}
                default_servers: [{host: 127.0.0.1, port: 8081}]
            """;
    private static final String SECOND =
            """
              second:
                discovery: {method: base}
                default_servers: [{host: 127.0.0.1, port: 8082}]
            """;

    private String status(int port) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    private static void hangup(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start();
        assertTrue(kill.waitFor() == 0, "kill -HUP failed");
    }

    @Test
    void sighupReloadsTheConfigAndSigtermStopsCleanly() throws Exception {
        int port = FreePorts.next();
        Path file = directory.resolve("synapse.yaml");
        Files.writeString(file, config(port, FIRST));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SynapseMain.class.getName(),
                "--config",
                file.toString());
        try (ExternalProcess synapse = ExternalProcess.start("synapse", command, directory.resolve("logs"))) {
            synapse.awaitPort(port, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(directory.resolve("out/first.json")));

            Files.writeString(file, config(port, FIRST + SECOND));
            hangup(synapse.pid());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(directory.resolve("out/second.json")));
            await().atMost(Duration.ofSeconds(5)).until(() -> status(port).contains("\"second\""));

            Files.writeString(file, config(port, FIRST + SECOND.replace("default_servers", "default_srvers")));
            hangup(synapse.pid());
            await().atMost(Duration.ofSeconds(10)).until(() -> synapse.logText().contains("reload refused"));
            assertTrue(status(port).contains("\"second\""), "the running config stays");
            assertTrue(synapse.isAlive());

            int exit = synapse.terminate(Duration.ofSeconds(20));
            assertTrue(exit == 0 || exit == 143, "exit code " + exit);
            assertTrue(synapse.logText().contains("Synapse stopped"), synapse.logText());
        }
    }
}
