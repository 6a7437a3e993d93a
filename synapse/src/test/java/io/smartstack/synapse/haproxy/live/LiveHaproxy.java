package io.smartstack.synapse.haproxy.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.HaproxyGeneratorFactory;
import io.smartstack.synapse.haproxy.process.MasterCli;
import io.smartstack.synapse.haproxy.process.ProcessList;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.UnixSocketRuntimeApi;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.GeneratorContext;
import io.smartstack.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A managed HAProxy 2.6 in a temporary directory, driven by real generators, with probes that read
 * HAProxy itself (worker pid, master reload counter, servers state). {@link #close()} stops HAProxy
 * and deletes the directory, also when the test failed.
 */
public final class LiveHaproxy implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public final Path directory;
    public final int statsPort = FreePorts.next();
    public final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final String extraSettings;

    public LiveHaproxy(String extraSettings) {
        try {
            this.directory = Files.createTempDirectory(Path.of("/tmp"), "hx");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.extraSettings = extraSettings;
    }

    public Path configFile() {
        return directory.resolve("haproxy.cfg");
    }

    public String settingsYaml() {
        return "haproxy:\n"
                + "  manage: true\n"
                + "  haproxy_path: /usr/sbin/haproxy\n"
                + "  config_file_path: " + configFile() + "\n"
                + "  stats_port: " + statsPort + "\n"
                + (extraSettings.contains("restart_interval:") ? "" : "  restart_interval: 0.1\n")
                + "  drain_timeout: 2s\n"
                + "  global: ['maxconn 4000']\n"
                + "  defaults: ['mode http', 'timeout connect 2s', 'timeout client 30s', 'timeout server 30s',"
                + " 'balance roundrobin']\n"
                + extraSettings;
    }

    /** A new generator on this HAProxy, made through the factory as Synapse makes it. */
    public ConfigGenerator newGenerator() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse(settingsYaml(), "test").root(problems);
        ConfigGenerator generator =
                new HaproxyGeneratorFactory().create(root.child("haproxy"), Map.of(), new GeneratorContext(metrics));
        problems.throwIfAny();
        return generator;
    }

    /** A service section: frontend on {@code port}, HTTP checks on /health, plus {@code extra} keys (JSON). */
    public static JsonNode service(int port, String extra) {
        try {
            return JSON.readTree("{\"port\": " + port + ", \"server_options\": \"check inter 300ms rise 1 fall 1\","
                    + " \"listen\": [\"mode http\", \"option httpchk GET /health\"]" + extra + "}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String runtime(String command) {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(directory.resolve("haproxy.sock"))) {
            return api.execute(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long workerPid() {
        return Long.parseLong(RuntimeParsers.info(runtime("show info")).get("Pid"));
    }

    /** The master's {@code show proc}, retried for up to 5 s while the master re-executes (a reload). */
    public ProcessList processes() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return new MasterCli(directory.resolve("haproxy-master.sock")).showProc();
            } catch (IOException | IllegalArgumentException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("master CLI does not answer: " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    public int masterReloads() {
        return processes().reloads();
    }

    public String installedConfig() {
        try {
            return Files.readString(configFile(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Long> masterPid() {
        try {
            return Optional.of(Long.parseLong(
                    Files.readString(directory.resolve("haproxy.pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM to the process {@code pid} if it lives, then waits up to 10 s for it to exit. */
    public static void stopProcess(long pid) {
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        });
    }

    /** SIGKILL to the master and its workers, as a crash. */
    public void killHaproxy() {
        masterPid().flatMap(ProcessHandle::of).ifPresent(master -> {
            master.children().forEach(ProcessHandle::destroyForcibly);
            master.destroyForcibly();
            master.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        });
    }

    @Override
    public void close() {
        masterPid().flatMap(ProcessHandle::of).ifPresent(master -> {
            master.destroy();
            try {
                master.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                master.destroyForcibly();
            }
        });
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
