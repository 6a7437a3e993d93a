package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smartstack.it.support.DemoService;
import io.smartstack.it.support.Launchers;
import io.smartstack.it.support.NerveProcess;
import io.smartstack.it.support.Stack;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.it.support.Traffic;
import io.smartstack.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of original-format configs (config-examples/original/corpus: tab-indented JSON in the layout of the
 * originals' READMEs and examples, with every key this implementation implements or accepts with a warning)
 * validates, and runs: Nerve registers its services, Synapse's rendered config passes HAProxy 2.6's check and
 * routes traffic to them.
 */
class OriginalCorpusTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path CORPUS = Launchers.root().resolve("config-examples/original/corpus");

    @TempDir
    Path temp;

    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("nerve", "config-examples/original/corpus/nerve.conf.json"),
                Arguments.of("nerve", "config-examples/original/corpus/nerve-service-conf-dir.conf.json"),
                Arguments.of("nerve", "config-examples/original/nerve.conf.json"),
                Arguments.of("synapse", "config-examples/original/corpus/synapse.conf.json"),
                Arguments.of("synapse", "config-examples/original/synapse.conf.json"));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void validatesWithExitZeroAndAMigrationReport(String daemon, String file) throws IOException {
        assertThat(Files.readString(Launchers.root().resolve(file)))
                .as("written with tabs or spaces as the originals")
                .isNotBlank();
        Launchers.Result result = Launchers.run(
                daemon,
                List.of("validate", "--config", Launchers.root().resolve(file).toString()),
                temp,
                TIMEOUT);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Migration report: keys in ");
        if (daemon.equals("synapse")) {
            assertThat(result.output()).contains("haproxy -c: the rendered config is valid");
        }
    }

    @Test
    void theCorpusIsTabIndented() throws IOException {
        for (String file : List.of("nerve.conf.json", "nerve_services/api.json", "synapse.conf.json")) {
            assertThat(Files.readString(CORPUS.resolve(file))).as(file).contains("\n\t\"");
        }
    }

    @Test
    void originalConfigsRunNerveRegistersAndSynapseRoutesTraffic() throws Exception {
        try (Stack stack = Stack.in(temp.resolve("stack"))) {
            stack.startZooKeeper();
            DemoService web = stack.demoService("web-1");
            DemoService api = stack.demoService("api-1");
            Ports ports = new Ports();
            Path files = copyCorpus(stack, web, api, ports);

            NerveProcess nerve = stack.nerveFromFile("app-host-7", files.resolve("nerve.conf.json"), ports.nerveAdmin);
            SynapseProcess synapse = stack.synapseFromFile(
                    files.resolve("synapse.conf.json"), ports.synapseAdmin, ports.stats, files.resolve("haproxy"));

            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(synapse.backendNames("web")).containsExactly("app-host-7");
                        assertThat(synapse.backendNames("api")).containsExactly("app-host-7");
                    });
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        assertThat(Traffic.get("http://127.0.0.1:" + ports.web + "/")
                                        .body())
                                .contains("hello from web-1");
                        // the registration says port 8092; server_port_override sends traffic to the api's real port
                        assertThat(Traffic.get("http://127.0.0.1:" + ports.api + "/")
                                        .body())
                                .contains("hello from api-1");
                    });

            String installed = Files.readString(files.resolve("haproxy/haproxy.cfg"));
            assertThat(installed)
                    .contains("listen stats\n\tbind :" + ports.stats + "\n")
                    .containsPattern("server app-host-7_127\\.0\\.0\\.1:" + web.port() + " .* weight 3\n")
                    .containsPattern("server app-host-7_127\\.0\\.0\\.1:" + api.port() + " ");
            ProcessBuilder check = new ProcessBuilder(
                            "haproxy",
                            "-c",
                            "-f",
                            files.resolve("haproxy/haproxy.cfg").toString())
                    .redirectErrorStream(true);
            Process process = check.start();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor()).as(output).isZero();
            assertThat(Traffic.get(synapse.haproxyStatsUrl()).status()).isEqualTo(200);

            assertThat(count(nerve.logText(), "load_test_concurrency: accepted for compatibility"))
                    .isEqualTo(1);
            assertThat(count(nerve.logText(), "ssl_timeout: accepted for compatibility"))
                    .isEqualTo(1);
            assertThat(count(synapse.logText(), "nginx: accepted for compatibility"))
                    .isEqualTo(2);
            assertThat(count(synapse.logText(), "HAProxy 1.x section title with an address"))
                    .isEqualTo(1);
            assertThat(count(synapse.logText(), "server_port_override: deprecated"))
                    .isEqualTo(1);
        }
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    /** Free ports for everything the corpus binds. */
    private static final class Ports {
        final int nerveAdmin = FreePorts.next();
        final int synapseAdmin = FreePorts.next();
        final int web = FreePorts.next();
        final int api = FreePorts.next();
        final int stats = FreePorts.next();
        final int unused = FreePorts.next();
    }

    /**
     * The corpus with only what a test must change: the ZooKeeper address, hosts and ports (free ones on
     * 127.0.0.1), file paths (in the temporary directory), an admin section on a free port, and
     * {@code manage: true} so that Synapse runs its own HAProxy instead of {@code sudo service haproxy reload}.
     */
    private Path copyCorpus(Stack stack, DemoService web, DemoService api, Ports ports) throws IOException {
        Path files = Files.createDirectories(temp.resolve("corpus"));
        Files.createDirectories(files.resolve("nerve_services"));
        Files.createDirectories(files.resolve("synapse_services"));
        Files.createDirectories(files.resolve("haproxy"));
        Map<String, String> common = new LinkedHashMap<>();
        common.put("localhost:2181", stack.zooKeeperConnect());
        common.put("10.0.1.15", "127.0.0.1");
        // with the text around them, so that no other number is touched
        common.put(": 8080,", ": " + web.port() + ",");
        common.put(": 8082,", ": " + api.port() + ",");
        common.put(": 8092,", ": " + ports.unused + ",");
        common.put("/tmp/nerve-corpus-heartbeat", files.resolve("heartbeat").toString());
        copy(
                "nerve.conf.json",
                files,
                common,
                "{\n\t\"admin\": {\"bind\": \"127.0.0.1\", \"port\": " + ports.nerveAdmin + "},\n");
        copy("nerve_services/api.json", files, common, null);
        Map<String, String> synapse = new LinkedHashMap<>(common);
        synapse.put(":3212\"", ":" + ports.stats + "\"");
        synapse.put("\"port\": 3213,", "\"port\": " + ports.web + ",");
        synapse.put("\"port\": 3214,", "\"port\": " + ports.api + ",");
        synapse.put(
                "/etc/haproxy/haproxy.cfg", files.resolve("haproxy/haproxy.cfg").toString());
        synapse.put(
                "/var/haproxy/stats.sock", files.resolve("haproxy/haproxy.sock").toString());
        synapse.put("/tmp/synapse-corpus-output", files.resolve("output").toString());
        copy("synapse_services/worker.json", files, synapse, null);
        // the top-level haproxy section only (a service file's haproxy section is also indented by one tab)
        synapse.put("\n\t\"haproxy\": {\n", "\n\t\"haproxy\": {\n\t\t\"manage\": true,\n");
        copy(
                "synapse.conf.json",
                files,
                synapse,
                "{\n\t\"admin\": {\"bind\": \"127.0.0.1\", \"port\": " + ports.synapseAdmin + "},\n");
        return files;
    }

    private static void copy(String name, Path to, Map<String, String> replacements, String opening)
            throws IOException {
        String text = Files.readString(CORPUS.resolve(name));
        for (Map.Entry<String, String> replacement : replacements.entrySet()) {
            text = text.replace(replacement.getKey(), replacement.getValue());
        }
        if (opening != null) {
            text = opening + text.substring(text.indexOf('{') + 2);
        }
        Files.writeString(to.resolve(name), text);
    }
}
