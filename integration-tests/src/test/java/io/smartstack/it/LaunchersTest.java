package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.common.zookeeper.ZooKeeperClientFactory;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import io.smartstack.it.support.Launchers;
import io.smartstack.it.support.Traffic;
import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launchers in bin/ work from the repository, as the README says. */
class LaunchersTest {
    @TempDir
    Path temp;

    @Test
    void zookeeperDevAcceptsACuratorClientThatCreatesAndReadsAZnode() throws Exception {
        int port = FreePorts.next();
        try (ExternalProcess zookeeper = Launchers.start(
                        "zookeeper-dev", "zookeeper-dev", List.of("--port", Integer.toString(port)), temp)
                .awaitLogLine("listening on 127.0.0.1:" + port, Duration.ofSeconds(60))) {
            try (CuratorFramework client = ZooKeeperClientFactory.create(ZooKeeperSettings.of("127.0.0.1:" + port))) {
                client.start();
                assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
                client.create()
                        .creatingParentsIfNeeded()
                        .forPath("/smartstack/hello", "world".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(client.getData().forPath("/smartstack/hello"), StandardCharsets.UTF_8))
                        .isEqualTo("world");
            }
            assertThat(zookeeper.logText()).contains("listening on 127.0.0.1:" + port);
        }
    }

    @Test
    void jsonLogFormatWritesOneJsonObjectPerLogLine() throws Exception {
        int port = FreePorts.next();
        try (ExternalProcess zookeeper = Launchers.start(
                        "zookeeper-dev",
                        "zookeeper-dev-json",
                        List.of("--port", Integer.toString(port)),
                        temp,
                        java.util.Map.of("SMARTSTACK_LOG_FORMAT", "json"))
                .awaitLogLine("listening on 127.0.0.1:" + port, Duration.ofSeconds(60))) {
            List<String> logLines = zookeeper
                    .logText()
                    .lines()
                    .filter(line -> !line.startsWith("ZooKeeper (development) listening"))
                    .toList();
            assertThat(logLines).isNotEmpty();
            for (String line : logLines) {
                com.fasterxml.jackson.databind.JsonNode entry =
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                assertThat(entry.has("level")).as(line).isTrue();
                assertThat(entry.get("formattedMessage").asText()).as(line).isNotBlank();
            }
        }
    }

    @Test
    void demoServiceNamesTheInstanceAndItsHealthCanBeMadeToFail() throws Exception {
        int port = FreePorts.next();
        String base = "http://127.0.0.1:" + port;
        try (ExternalProcess service = Launchers.start(
                        "demo-service",
                        "demo-service",
                        List.of("--port", Integer.toString(port), "--name", "web-1"),
                        temp)
                .awaitPort(port, Duration.ofSeconds(60))) {
            assertThat(Traffic.get(base + "/").responder()).isEqualTo("web-1");
            assertThat(Traffic.get(base + "/health").status()).isEqualTo(200);
            java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/fail"))
                                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(Traffic.get(base + "/health").status()).isEqualTo(503);
        }
    }

    @Test
    void helpAndVersionWorkOnEveryLauncher() {
        for (String launcher : List.of("zookeeper-dev", "nerve", "synapse")) {
            Launchers.Result help = Launchers.run(launcher, List.of("--help"), temp, Duration.ofSeconds(60));
            assertThat(help.exitCode())
                    .as(launcher + " --help: " + help.output())
                    .isZero();
            assertThat(help.output()).contains("Usage: " + launcher);
            Launchers.Result version = Launchers.run(launcher, List.of("--version"), temp, Duration.ofSeconds(60));
            assertThat(version.exitCode()).as(launcher + " --version").isZero();
            assertThat(version.output()).contains(launcher);
        }
    }
}
