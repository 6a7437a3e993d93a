package io.smartstack.synapse.haproxy.bench;

import io.smartstack.synapse.haproxy.live.LiveHaproxy;
import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.HealthEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;

/**
 * The footprint benchmark (bin/footprint-bench): on one host, a real Nerve with 5 services (HTTP checks
 * every 0.5 s against a local HTTP server) registering in ZooKeeper (in this JVM, curator-test) and a
 * real Synapse watching those 5 services with a managed HAProxy 2.6, each daemon its own JVM started
 * from its shaded jar with the launcher's JVM flags. Prints each daemon's time from process start to
 * serving (Nerve: its first registration in ZooKeeper; Synapse: every backend ready in HAProxy's
 * {@code show servers state} and its frontend answering) and its resident memory sampled over the
 * period and at its end, against two floors measured in the same run, with the same JVM options: a
 * trivial Java program ({@link FootprintFloor}), and the daemons' libraries doing the least a sidecar
 * does ({@code io.smartstack.nerve.bench.LibraryFloor}: config, logging, a ZooKeeper session with one
 * ephemeral node, a metrics registry, an HTTP GET every 0.5 s).
 *
 * <p>Options: {@code --minutes M} (default 10, decimals allowed), {@code --services N} (5),
 * {@code --nmt} (run the daemons with native memory tracking and print {@code jcmd VM.native_memory
 * summary} of each at the end). The flags, jars and floor classpath come from the environment
 * ({@code FOOTPRINT_*}, set by bin/footprint-bench).
 */
public final class FootprintBench {
    static final long MEGABYTE_KB = 1024;
    static final long GOAL_RSS_KB = 64 * MEGABYTE_KB;
    static final long GOAL_START_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final double minutes;
    private final int services;
    private final boolean nativeMemory;
    private final Path directory;
    /** Synapse's HAProxy while the benchmark runs, for the shutdown hook. */
    private static volatile LiveHaproxy running;

    private FootprintBench(double minutes, int services, boolean nativeMemory) throws Exception {
        this.minutes = minutes;
        this.services = services;
        this.nativeMemory = nativeMemory;
        this.directory = Files.createTempDirectory(Path.of("/tmp"), "footprint");
    }

    public static void main(String[] args) throws Exception {
        double minutes = 10;
        int services = 5;
        boolean nativeMemory = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                case "--services" -> services = Integer.parseInt(args[++i]);
                case "--nmt" -> nativeMemory = true;
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        // Interrupted (Ctrl-C): the daemons, the floor and Synapse's HAProxy (not a child) are stopped too.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
                            LiveHaproxy haproxy = running;
                            if (haproxy != null) {
                                haproxy.close();
                            }
                        },
                        "footprint-stop-children"));
        new FootprintBench(minutes, services, nativeMemory).run();
    }

    private void run() throws Exception {
        List<String> floorOptions = options("FOOTPRINT_FLOOR_OPTS");
        System.out.printf(
                Locale.ROOT,
                "footprint-bench: %d CPUs, %d services, %.1f min; JVM options %s; MALLOC_ARENA_MAX=%s%n",
                Runtime.getRuntime().availableProcessors(),
                services,
                minutes,
                String.join(" ", floorOptions),
                System.getenv().getOrDefault("MALLOC_ARENA_MAX", "(unset)"));
        for (String daemon : List.of("NERVE", "SYNAPSE")) {
            Path jar = Path.of(env("FOOTPRINT_" + daemon + "_JAR"));
            System.out.printf(
                    Locale.ROOT,
                    "   %s: %.1f MB, flags %s%n",
                    jar,
                    Files.size(jar) / 1e6,
                    String.join(" ", options("FOOTPRINT_" + daemon + "_OPTS")));
        }
        try (TestingServer zookeeper = new TestingServer(true);
                HealthEndpoint endpoint = HealthEndpoint.start();
                Floor floor = Floor.start(
                        javaCommand(floorOptions, env("FOOTPRINT_FLOOR_CLASSPATH"), FootprintFloor.class.getName()));
                Floor libraries = startLibraryFloor(floorOptions, zookeeper.getConnectString(), endpoint);
                Registrations registrations = new Registrations(zookeeper.getConnectString(), services)) {
            System.out.printf(Locale.ROOT, "floor ready %.3f s after process start%n", floor.startNanos / 1e9);
            System.out.printf(
                    Locale.ROOT, "library floor ready %.3f s after process start%n", libraries.startNanos / 1e9);
            List<String> nerveCommand = daemonCommand("NERVE", nerveConfig(zookeeper.getConnectString(), endpoint));
            long nerveStarted = System.nanoTime();
            try (ExternalProcess nerve = ExternalProcess.start("nerve", nerveCommand, directory)) {
                Serving nerveServing = registrations.await(nerve, nerveStarted);
                System.out.println("nerve: " + nerveServing.describe("first registration", "all registered"));
                try (LiveHaproxy haproxy = new LiveHaproxy("")) {
                    running = haproxy;
                    List<Integer> frontends = new ArrayList<>();
                    Path synapseConfig = synapseConfig(zookeeper.getConnectString(), haproxy, frontends);
                    List<String> synapseCommand = daemonCommand("SYNAPSE", synapseConfig);
                    long synapseStarted = System.nanoTime();
                    try (ExternalProcess synapse = ExternalProcess.start("synapse", synapseCommand, directory)) {
                        Serving synapseServing = Frontends.await(synapse, haproxy, frontends, services, synapseStarted);
                        System.out.println(
                                "synapse: " + synapseServing.describe("backends ready", "frontend answering"));
                        Period period = new Period(floor.pid(), libraries.pid(), nerve, synapse, frontends);
                        period.run(Duration.ofMillis((long) (minutes * 60_000)));
                        new Report(floor, libraries, period, nerveServing, synapseServing, minutes).print();
                        if (nativeMemory) {
                            NativeMemory.print("nerve", nerve.pid());
                            NativeMemory.print("synapse", synapse.pid());
                        }
                        problems("nerve", nerve);
                        problems("synapse", synapse);
                    }
                } finally {
                    running = null;
                }
            }
        } finally {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * The library floor ({@code io.smartstack.nerve.bench.LibraryFloor}, from Nerve's jar and the floor's own jar),
     * reading the Nerve's config, registering in the benchmark's ZooKeeper and sending its GETs to the same health
     * endpoint, with the daemons' JVM options. When the daemons map a class-data-sharing archive, so does it: one
     * made by a 3-second training run of its own, as the daemons' archives are made at build time.
     */
    private Floor startLibraryFloor(List<String> floorOptions, String zookeeper, HealthEndpoint endpoint)
            throws Exception {
        String classpath = env("FOOTPRINT_LIBRARY_FLOOR_CLASSPATH");
        String[] arguments = {
            nerveConfig(zookeeper, endpoint).toString(), zookeeper, "http://127.0.0.1:" + endpoint.port() + "/health"
        };
        List<String> options = new ArrayList<>(floorOptions);
        boolean archived = options("FOOTPRINT_NERVE_OPTS").stream()
                .anyMatch(option -> option.startsWith("-XX:SharedArchiveFile="));
        if (archived) {
            Path archive = directory.resolve("library-floor.jsa");
            List<String> training = new ArrayList<>(floorOptions);
            training.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            List<String> command = javaCommand(training, classpath, LIBRARY_FLOOR, arguments);
            command.add("3");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            directory.resolve("library-floor-training.log").toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.exists(archive)) {
                process.destroyForcibly();
                throw new IllegalStateException("the library floor's training run failed:\n"
                        + Files.readString(directory.resolve("library-floor-training.log")));
            }
            options.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        return Floor.start(javaCommand(options, classpath, LIBRARY_FLOOR, arguments));
    }

    private static final String LIBRARY_FLOOR = "io.smartstack.nerve.bench.LibraryFloor";

    /** This JVM's {@code java} with {@code options}, then {@code rest}. */
    private static List<String> java(List<String> options, List<String> rest) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(rest);
        return command;
    }

    private static List<String> javaCommand(List<String> options, String classpath, String main, String... arguments) {
        List<String> rest = new ArrayList<>(List.of("-cp", classpath, main));
        rest.addAll(List.of(arguments));
        return java(options, rest);
    }

    private List<String> daemonCommand(String daemon, Path config) {
        List<String> options = new ArrayList<>(options("FOOTPRINT_" + daemon + "_OPTS"));
        if (nativeMemory) {
            options.add("-XX:NativeMemoryTracking=summary");
        }
        return java(options, List.of("-jar", env("FOOTPRINT_" + daemon + "_JAR"), "--config", config.toString()));
    }

    private Path nerveConfig(String zookeeper, HealthEndpoint endpoint) throws Exception {
        StringBuilder yaml = new StringBuilder("instance_id: footprint\nadmin: {port: " + FreePorts.next() + "}\n");
        yaml.append("services:\n");
        for (int i = 0; i < services; i++) {
            yaml.append("  svc")
                    .append(i)
                    .append(":\n")
                    .append("    host: 127.0.0.1\n    port: ")
                    .append(endpoint.port())
                    .append('\n')
                    .append("    zk_hosts: [\"")
                    .append(zookeeper)
                    .append("\"]\n")
                    .append("    zk_path: ")
                    .append(Registrations.path(i))
                    .append('\n')
                    .append("    check_interval: 0.5\n")
                    .append("    checks: [{type: http, uri: /health, timeout: 1}]\n");
        }
        Path config = directory.resolve("nerve.yaml");
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        return config;
    }

    private Path synapseConfig(String zookeeper, LiveHaproxy haproxy, List<Integer> frontends) throws Exception {
        StringBuilder yaml = new StringBuilder("services:\n");
        for (int i = 0; i < services; i++) {
            int port = FreePorts.next();
            frontends.add(port);
            yaml.append("  svc")
                    .append(i)
                    .append(":\n")
                    .append("    discovery: {method: zookeeper, hosts: [\"")
                    .append(zookeeper)
                    .append("\"], path: ")
                    .append(Registrations.path(i))
                    .append("}\n")
                    .append("    haproxy: {port: ")
                    .append(port)
                    .append(", server_options: \"\", listen: [\"mode http\"]}\n");
        }
        yaml.append(haproxy.settingsYaml()).append("admin: {bind: 127.0.0.1, port: 0}\n");
        Path config = directory.resolve("synapse.yaml");
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        return config;
    }

    /** Warnings and errors a daemon logged during the run (its stdout and stderr), first five. */
    private static void problems(String name, ExternalProcess process) {
        List<String> lines = process.logText()
                .lines()
                .filter(line -> line.contains(" WARN ")
                        || line.contains(" ERROR ")
                        || line.contains("[warning]")
                        || line.contains("[error]"))
                .toList();
        System.out.printf(Locale.ROOT, "%s log: %d warning/error lines%n", name, lines.size());
        lines.stream().limit(5).forEach(line -> System.out.println("     " + line));
    }

    static List<String> options(String variable) {
        List<String> options = new ArrayList<>();
        for (String option : System.getenv().getOrDefault(variable, "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return options;
    }

    private static String env(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(variable + " is not set (run bin/footprint-bench)");
        }
        return value;
    }

    /**
     * A floor process ({@link FootprintFloor}, or the library floor), started and timed until it prints {@code
     * ready}; its output is read to the end meanwhile, the last lines kept for an error.
     */
    record Floor(Process process, long startNanos) implements AutoCloseable {
        static Floor start(List<String> command) throws Exception {
            long started = System.nanoTime();
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<Long> ready = new CompletableFuture<>();
            Deque<String> last = new ConcurrentLinkedDeque<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader output = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String line; (line = output.readLine()) != null; ) {
                                if ("ready".equals(line)) {
                                    ready.complete(System.nanoTime() - started);
                                }
                                last.addLast(line);
                                if (last.size() > 20) {
                                    last.removeFirst();
                                }
                            }
                        } catch (IOException e) {
                            // the process is gone: its output ends here
                        }
                        ready.completeExceptionally(new IllegalStateException(
                                "the floor program ended without printing ready:\n" + String.join("\n", last)));
                    },
                    "footprint-floor-output");
            reader.setDaemon(true);
            reader.start();
            try {
                return new Floor(process, ready.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                process.destroyForcibly();
                throw e;
            }
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** When a daemon began serving: the first sign and the complete one, in nanoseconds after process start. */
    record Serving(long firstNanos, long completeNanos) {
        String describe(String first, String complete) {
            return String.format(
                    Locale.ROOT,
                    "%s %.3f s, %s %.3f s after process start",
                    first,
                    firstNanos / 1e9,
                    complete,
                    completeNanos / 1e9);
        }
    }
}
