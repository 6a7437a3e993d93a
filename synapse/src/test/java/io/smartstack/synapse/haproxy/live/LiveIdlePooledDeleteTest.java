package io.smartstack.synapse.haproxy.live;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.fakes.LogCapture;
import io.smartstack.synapse.haproxy.HaproxyGeneratorFactory;
import io.smartstack.synapse.haproxy.process.MasterCli;
import io.smartstack.synapse.haproxy.runtime.UnixSocketRuntimeApi;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.GeneratorContext;
import io.smartstack.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server removed from the registry while HAProxy 2.6 (master-worker, started by this test, not by
 * Synapse) still holds an idle pooled connection to it ({@code http-reuse always}): HAProxy refuses the
 * first {@code del server}; Synapse retries and the server is gone shortly after {@code drain_timeout},
 * without a reload, in one log line (its drain and maintenance steps are at debug level).
 */
class LiveIdlePooledDeleteTest {
    private static final Duration DRAIN = Duration.ofSeconds(1);

    @TempDir
    Path directory;

    private final HttpBackends backends = new HttpBackends();
    private final int port = FreePorts.next();
    private ConfigGenerator generator;
    private long master = -1;

    @AfterEach
    void stop() {
        if (generator != null) {
            generator.close();
        }
        LiveHaproxy.stopProcess(master);
        backends.close();
    }

    private Path socket() {
        return directory.resolve("haproxy.sock");
    }

    private Path masterSocket() {
        return directory.resolve("master.sock");
    }

    private String runtime(String command) throws Exception {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket())) {
            return api.execute(command);
        }
    }

    private void startHaproxy() throws Exception {
        Path config = directory.resolve("haproxy.cfg");
        Files.writeString(
                config,
                "global\n  stats socket " + socket() + " mode 600 level admin\n"
                        + "defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n");
        Process launcher = new ProcessBuilder(
                        "haproxy",
                        "-W",
                        "-D",
                        "-S",
                        masterSocket().toString(),
                        "-p",
                        directory.resolve("haproxy.pid").toString(),
                        "-f",
                        config.toString())
                .redirectErrorStream(true)
                .start();
        assertEquals(0, launcher.waitFor(), new String(launcher.getInputStream().readAllBytes()));
        Path pidFile = directory.resolve("haproxy.pid");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        master = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> new MasterCli(masterSocket()).showProc().workers().size() == 1);

        String yaml = "haproxy:\n"
                + "  config_file_path: " + config + "\n"
                + "  socket_file_path: " + socket() + "\n"
                + "  reload_command: \"echo reload | socat - " + masterSocket() + "\"\n"
                + "  restart_interval: 0.1\n"
                + "  drain_timeout: " + DRAIN.toSeconds() + "s\n"
                + "  global: ['stats socket " + socket() + " mode 600 level admin']\n"
                + "  defaults: ['mode http', 'timeout connect 2s', 'timeout client 30s', 'timeout server 30s',"
                + " 'balance roundrobin', 'http-reuse always']\n";
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse(yaml, "test").root(problems);
        generator = new HaproxyGeneratorFactory()
                .create(root.child("haproxy"), Map.of(), new GeneratorContext(new SimpleMeterRegistry()));
        problems.throwIfAny();
        generator.start();
    }

    private DesiredState web(List<Backend> servers) {
        return DesiredState.of(List.of(service("web", servers, LiveHaproxy.service(port, ""))));
    }

    /** {@code idle_cur} of the server's row in {@code show servers conn}: idle connections in its pool. */
    private int idleConnections(String server) throws Exception {
        for (String line : runtime("show servers conn").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields[0].startsWith("web/" + server + "_") && fields.length > 12) {
                return Integer.parseInt(fields[12]);
            }
        }
        return 0;
    }

    @Test
    void aServerHoldingAnIdlePooledConnectionIsDeletedWithinTheDrainTimeoutLoggedOnce() throws Exception {
        startHaproxy();
        Backend keeper = backend("keeper", "127.0.0.1", backends.start("keeper"));
        Backend pooled = backend("pooled", "127.0.0.1", backends.start("pooled"));
        generator.apply(web(List.of(keeper, pooled)));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Traffic.send(port, 4);
            return backends.hits("pooled") > 0 && idleConnections("pooled") > 0;
        });
        assertEquals(1, new MasterCli(masterSocket()).showProc().reloads(), "the startup reload only");

        try (LogCapture log = new LogCapture("io.smartstack.synapse.haproxy")) {
            long removed = System.nanoTime();
            generator.apply(web(List.of(keeper)));
            await().atMost(DRAIN.plusSeconds(2))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !runtime("show servers state web").contains("pooled_"));
            Duration took = Duration.ofNanos(System.nanoTime() - removed);
            assertTrue(took.compareTo(DRAIN) < 0, "deleted within drain_timeout, took " + took.toMillis() + " ms");
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
            List<String> lines = new ArrayList<>();
            for (Level level : List.of(Level.INFO, Level.WARN, Level.ERROR)) {
                log.messages(level).stream().filter(m -> m.contains("pooled_")).forEach(lines::add);
            }
            assertEquals(1, lines.size(), "exactly one line for the removed server, no refusal: " + lines);
            assertTrue(
                    lines.get(0).startsWith("runtime: del server web/" + serverName(pooled) + " (drained for "),
                    lines.toString());
        }
        assertEquals(1, new MasterCli(masterSocket()).showProc().reloads(), "no reload for the delete");
        assertTrue(Traffic.send(port, 4).keySet().equals(java.util.Set.of("keeper")), "the keeper still serves");
    }

    private static String serverName(Backend backend) {
        return backend.name() + "_" + backend.host() + ":" + backend.port();
    }
}
