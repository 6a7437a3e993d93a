package io.smartstack.nerve.bench;

import io.smartstack.nerve.NerveMain;
import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/**
 * Benchmark (not a test): one Nerve process with N services (default 1000), each with an HTTP check every
 * 0.5 s against a local HTTP server, registered in a local ZooKeeper. After a warm-up it measures the Nerve
 * process's CPU (percent of one core, from /proc/PID/stat), RSS (/proc/PID/status), the checks/s the server
 * received and the longest time between two checks of one service; then stops Nerve with SIGTERM.
 *
 * <p>Then, in the same run, the floor: {@link FloorClient}, a JVM with the same options sending the same
 * requests with the same HTTP library and nothing else, measured the same way. The result is Nerve's CPU,
 * the floor's, their ratio, and the CPU the HTTP server spent answering in each phase (what the checks
 * cost the other side). Run with {@code nerve/bench/run-bench.sh}.
 *
 * <p>Arguments: {@code services interval-seconds warmup-seconds measure-seconds [JVM options...]}.
 */
public final class NerveBenchmark {
    private static final double GOAL_PERCENT_OF_ONE_CORE = 20;

    private NerveBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String interval = args.length > 1 ? args[1] : "0.5";
        int warmupSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int measureSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        List<String> jvmOptions = args.length > 4 ? List.of(args).subList(4, args.length) : List.of();
        double intervalSeconds = Double.parseDouble(interval);
        Measurement.Plan plan = new Measurement.Plan(services, intervalSeconds, warmupSeconds, measureSeconds);
        Path directory = Files.createTempDirectory("nerve-bench");
        try (TestingServer zooKeeper = new TestingServer(true);
                BenchEndpoint endpoint = BenchEndpoint.start(services);
                CuratorFramework observer =
                        CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(), new RetryOneTime(100))) {
            observer.start();
            System.out.printf(
                    "%d services, HTTP check every %ss, JVM options %s, %d cores%n",
                    services,
                    interval,
                    jvmOptions.isEmpty() ? "(none)" : String.join(" ", jvmOptions),
                    Runtime.getRuntime().availableProcessors());
            Measurement nerve = measureNerve(plan, jvmOptions, directory, endpoint, zooKeeper, observer);
            Measurement floor = measureFloor(plan, jvmOptions, directory, endpoint);
            System.out.println(floor.line("floor"));
            System.out.printf(
                    "result: nerve %.1f%% of one core, floor %.1f%%, ratio nerve/floor %.2f, above the floor %.1f%%;"
                            + " goal < %.0f%% of one core: %s%n",
                    nerve.cpuPercent(),
                    floor.cpuPercent(),
                    nerve.cpuPercent() / floor.cpuPercent(),
                    nerve.cpuPercent() - floor.cpuPercent(),
                    GOAL_PERCENT_OF_ONE_CORE,
                    nerve.cpuPercent() < GOAL_PERCENT_OF_ONE_CORE && nerve.onTime() ? "met" : "NOT met");
        }
    }

    private static Measurement measureNerve(
            Measurement.Plan plan,
            List<String> jvmOptions,
            Path directory,
            BenchEndpoint endpoint,
            TestingServer zooKeeper,
            CuratorFramework observer)
            throws Exception {
        int adminPort = FreePorts.next();
        Path config = writeConfig(directory, plan, endpoint.port(), zooKeeper.getConnectString(), adminPort);
        List<String> command =
                javaCommand(jvmOptions, NerveMain.class.getName(), List.of("--config", config.toString()));
        try (ExternalProcess nerve = ExternalProcess.start("nerve", command, directory)) {
            nerve.awaitPort(adminPort, Duration.ofSeconds(60));
            long start = System.nanoTime();
            while (registered(observer, plan.services()) < plan.services()) {
                if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException("not all services registered within 60 s:\n" + nerve.logText());
                }
                Thread.sleep(100);
            }
            System.out.printf(
                    "nerve (pid %d): all %d services registered %.1f s after the admin port opened%n",
                    nerve.pid(), plan.services(), (System.nanoTime() - start) / 1e9);
            Measurement measured = Measurement.take(plan, nerve.pid(), endpoint);
            System.out.println(measured.line("nerve"));
            long stopStart = System.nanoTime();
            int exit = nerve.terminate(Duration.ofSeconds(30));
            System.out.printf(
                    "nerve SIGTERM: exit %d after %d ms, %d registrations left%n",
                    exit, (System.nanoTime() - stopStart) / 1_000_000, registered(observer, plan.services()));
            return measured;
        }
    }

    private static Measurement measureFloor(
            Measurement.Plan plan, List<String> jvmOptions, Path directory, BenchEndpoint endpoint) throws Exception {
        List<String> command = javaCommand(
                jvmOptions,
                FloorClient.class.getName(),
                List.of(
                        Integer.toString(endpoint.port()),
                        Integer.toString(plan.services()),
                        Double.toString(plan.intervalSeconds())));
        try (ExternalProcess floor = ExternalProcess.start("floor", command, directory)) {
            System.out.printf("floor (pid %d): %s started%n", floor.pid(), FloorClient.class.getSimpleName());
            return Measurement.take(plan, floor.pid(), endpoint);
        }
    }

    private static List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        return command;
    }

    private static Path writeConfig(Path directory, Measurement.Plan plan, int port, String zooKeeper, int adminPort)
            throws Exception {
        StringBuilder yaml = new StringBuilder("instance_id: bench\nadmin: {port: " + adminPort + "}\nservices:\n");
        for (int i = 0; i < plan.services(); i++) {
            yaml.append("  svc")
                    .append(i)
                    .append(":\n")
                    .append("    host: 127.0.0.1\n    port: ")
                    .append(port)
                    .append('\n')
                    .append("    zk_hosts: [\"")
                    .append(zooKeeper)
                    .append("\"]\n")
                    .append("    zk_path: /nerve/services/svc")
                    .append(i)
                    .append("/services\n")
                    .append("    check_interval: ")
                    .append(plan.intervalSeconds())
                    .append('\n')
                    .append("    checks: [{type: http, uri: \"")
                    .append(BenchEndpoint.uri(i))
                    .append("\", timeout: 1}]\n");
        }
        Path config = directory.resolve("nerve.yaml");
        Files.writeString(config, yaml);
        return config;
    }

    private static int registered(CuratorFramework observer, int services) throws Exception {
        int count = 0;
        for (int i = 0; i < services; i++) {
            String path = "/nerve/services/svc" + i + "/services";
            if (observer.checkExists().forPath(path) != null) {
                count += observer.getChildren().forPath(path).size();
            }
        }
        return count;
    }
}
