package io.smartstack.synapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smartstack.common.config.ConfigException;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.fakes.RecordingGenerator;
import io.smartstack.synapse.fakes.RecordingGeneratorFactory;
import io.smartstack.synapse.fakes.StandInHaproxyFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code synapse render}: one snapshot of the registry, previewed by the haproxy generator, never started. */
class SnapshotTest {
    private static final SynapseConfigLoader LOADER = new SynapseConfigLoader(
            List.of(new StandInHaproxyFactory(), new RecordingGeneratorFactory()), EnvironmentSubstitution.system());

    @Test
    void rendersTheHaproxyPreviewOfTheCurrentRegistryStateWithoutStartingAnyGenerator(@TempDir Path directory)
            throws Exception {
        try (TestingServer server = new TestingServer(true);
                CuratorFramework writer =
                        CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
            writer.start();
            writer.create()
                    .creatingParentsIfNeeded()
                    .forPath(
                            "/nerve/web/i-1_0000000003",
                            "{\"host\":\"10.0.0.1\",\"port\":80,\"name\":\"i-1\"}".getBytes(StandardCharsets.UTF_8));
            Path config = directory.resolve("synapse.yaml");
            Files.writeString(
                    config,
                    """
                    services:
                      web:
                        discovery: {method: zookeeper, hosts: ["%s"], path: /nerve/web}
                      fixed:
                        discovery: {method: base}
                        default_servers: [{name: d, host: 10.9.9.9, port: 81}]
                    haproxy: {global: [], defaults: []}
                    """
                            .formatted(server.getConnectString()));

            String text = Snapshot.render(LOADER, config, Duration.ofSeconds(10));

            assertEquals("fixed: [d_10.9.9.9:81]\nweb: [i-1_10.0.0.1:80]\n", text);
            assertEquals(0, RecordingGenerator.byId("stand-in-haproxy").starts());
            assertFalse(Files.exists(directory.resolve("state.json")), "render writes nothing");
        }
    }

    @Test
    void renderNeedsAHaproxySection(@TempDir Path directory) throws Exception {
        Path config = directory.resolve("synapse.yaml");
        Files.writeString(
                config,
                """
                services:
                  fixed:
                    discovery: {method: base}
                    default_servers: [{host: 10.9.9.9, port: 81}]
                recording: {id: render-without-haproxy}
                """);
        assertThrows(ConfigException.class, () -> Snapshot.render(LOADER, config, Duration.ofSeconds(1)));
    }
}
