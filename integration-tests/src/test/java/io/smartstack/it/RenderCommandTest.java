package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.common.zookeeper.ZooKeeperClientFactory;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import io.smartstack.it.support.Launchers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/synapse render} prints the haproxy.cfg for what the registry holds now, and only that. */
class RenderCommandTest {
    @TempDir
    Path temp;

    @Test
    void renderPrintsTheConfigForTheRegisteredBackendsOnStandardOutput() throws Exception {
        try (TestingServer zookeeper = new TestingServer(true);
                CuratorFramework client =
                        ZooKeeperClientFactory.create(ZooKeeperSettings.of(zookeeper.getConnectString()))) {
            client.start();
            assertThat(client.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            Registration registration = Registration.of("10.0.0.7", 8080, "box1");
            client.create()
                    .creatingParentsIfNeeded()
                    .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath("/nerve/services/web/services/box1_", RegistrationCodec.encode(registration));

            Path config = temp.resolve("synapse.yaml");
            Files.writeString(
                    config,
                    """
                    services:
                      web:
                        discovery: {method: zookeeper, hosts: [%s], path: /nerve/services/web/services}
                        haproxy: {port: 3213, listen: [mode http]}
                    haproxy:
                      manage: true
                      config_file_path: %s
                      global: [maxconn 100]
                      defaults: [mode http, timeout connect 1s, timeout client 5s, timeout server 5s]
                    """
                            .formatted(zookeeper.getConnectString(), temp.resolve("haproxy/haproxy.cfg")));

            Process render = new ProcessBuilder(
                            Launchers.bin("synapse").toString(), "render", "--config", config.toString())
                    .redirectError(temp.resolve("render.err").toFile())
                    .start();
            String stdout = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(render.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(render.exitValue())
                    .as(Files.readString(temp.resolve("render.err")))
                    .isZero();

            List<String> lines = stdout.lines().toList();
            assertThat(lines.get(0)).isEqualTo("global");
            assertThat(lines).contains("frontend web", "backend web");
            assertThat(stdout).contains("\tserver box1_10.0.0.7:8080 10.0.0.7:8080 id ");
            assertThat(stdout).doesNotContain("INFO", "WARN");
            assertThat(temp.resolve("haproxy/haproxy.cfg")).doesNotExist();
        }
    }
}
