package io.smartstack.synapse.haproxy.bench;

import io.smartstack.synapse.haproxy.live.LiveHaproxy;
import io.smartstack.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Synapse daemon in its own JVM (the launcher's JVM options, or {@code SYNAPSE_JAVA_OPTS}),
 * watching {@code services} paths of the benchmark's ZooKeeper and managing its own HAProxy. It runs
 * from the jar named by {@code SYNAPSE_BENCH_JAR} (bin/synapse-bench: the shaded jar, as the launcher
 * runs it), else from the benchmark's own classpath. Its log goes to a file so the benchmark can count
 * lines. {@link #close()} stops Synapse and then HAProxy.
 */
final class SynapseProcess implements AutoCloseable {
    final LiveHaproxy haproxy;
    final long startedNanos;
    private final Process process;
    private final Path log;

    SynapseProcess(String connectString, List<String> services, String extraJavaOptions) throws IOException {
        haproxy = new LiveHaproxy("  dynamic_servers: true\n");
        Path config = haproxy.directory.resolve("synapse.yaml");
        log = haproxy.directory.resolve("synapse.log");
        Files.writeString(config, config(connectString, services), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : (System.getenv().getOrDefault("SYNAPSE_JAVA_OPTS", "") + " " + extraJavaOptions)
                .trim()
                .split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option.replace("@DIR@", haproxy.directory.toString()));
            }
        }
        String jar = System.getenv().getOrDefault("SYNAPSE_BENCH_JAR", "");
        if (jar.isEmpty()) {
            command.addAll(List.of("-cp", childClasspath(), "io.smartstack.synapse.SynapseMain"));
        } else {
            command.addAll(List.of("-jar", jar));
        }
        command.addAll(List.of("--config", config.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        startedNanos = System.nanoTime();
        process = builder.start();
    }

    private String config(String connectString, List<String> services) {
        StringBuilder yaml = new StringBuilder("services:\n");
        for (String service : services) {
            yaml.append("  ")
                    .append(service)
                    .append(":\n    discovery: {method: zookeeper, hosts: [\"")
                    .append(connectString)
                    .append("\"], path: ")
                    .append(BenchDiscovery.path(service))
                    .append("}\n    haproxy: {port: ")
                    .append(FreePorts.nextOutsideEphemeralRange())
                    .append(", server_options: \"\", listen: [\"mode http\"]}\n");
        }
        return yaml + haproxy.settingsYaml() + "admin: {bind: 127.0.0.1, port: 0}\n";
    }

    /** The benchmark's own classpath without its test classes: Synapse's classes and libraries. */
    private static String childClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.endsWith("test-classes")) {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    List<String> logLines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String keep = System.getProperty("bench.logs");
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            Files.copy(log, Path.of(keep, "synapse-" + process.pid() + ".log"));
        }
        haproxy.close();
    }
}
