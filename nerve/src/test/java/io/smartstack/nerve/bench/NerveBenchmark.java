package io.smartstack.nerve.bench;

import io.smartstack.nerve.NerveMain;
import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.HealthEndpoint;
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
 * Benchmark (not a test): one Nerve process with N services (default 200), each with an HTTP check every
 * 0.5 s against a local HTTP server, registered in a local ZooKeeper. After a warm-up it reports the
 * Nerve process's CPU (percent of one core, from /proc/PID/stat) and RSS (/proc/PID/status), then stops it
 * with SIGTERM and reports how long the drain took. Run with {@code nerve/bench/run-bench.sh}.
 *
 * <p>Arguments: {@code services interval-seconds warmup-seconds measure-seconds [JVM options...]}.
 */
public final class NerveBenchmark {
    private NerveBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String interval = args.length > 1 ? args[1] : "0.5";
        int warmupSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int measureSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        List<String> jvmOptions = args.length > 4 ? List.of(args).subList(4, args.length) : List.of();
        Path directory = Files.createTempDirectory("nerve-bench");
        try (TestingServer zooKeeper = new TestingServer(true);
                HealthEndpoint endpoint = HealthEndpoint.start();
                CuratorFramework observer =
                        CuratorFrameworkFactory.newClient(zooKeeper.getConnectString(), new RetryOneTime(100))) {
            observer.start();
            int adminPort = FreePorts.next();
            Path config = writeConfig(
                    directory, services, interval, endpoint.port(), zooKeeper.getConnectString(), adminPort);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    NerveMain.class.getName(),
                    "--config",
                    config.toString()));
            System.out.printf(
                    "nerve: %d services, HTTP check every %ss, JVM options %s%n",
                    services, interval, jvmOptions.isEmpty() ? "(none)" : String.join(" ", jvmOptions));
            try (ExternalProcess nerve = ExternalProcess.start("nerve", command, directory)) {
                nerve.awaitPort(adminPort, Duration.ofSeconds(60));
                long start = System.nanoTime();
                while (registered(observer, services) < services) {
                    if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                        throw new IllegalStateException("not all services registered within 60 s:\n" + nerve.logText());
                    }
                    Thread.sleep(100);
                }
                System.out.printf(
                        "all %d services registered %.1f s after the admin port opened%n",
                        services, (System.nanoTime() - start) / 1e9);
                Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
                long ticksBefore = cpuTicks(nerve.pid());
                long requestsBefore = endpoint.requests();
                long measureStart = System.nanoTime();
                long maxRss = 0;
                for (int i = 0; i < measureSeconds; i++) {
                    Thread.sleep(1000);
                    maxRss = Math.max(maxRss, rssKilobytes(nerve.pid()));
                }
                double seconds = (System.nanoTime() - measureStart) / 1e9;
                long ticks = cpuTicks(nerve.pid()) - ticksBefore;
                double cpuPercent = 100.0 * ticks / clockTicksPerSecond() / seconds;
                double checksPerSecond = (endpoint.requests() - requestsBefore) / seconds;
                System.out.printf(
                        "after %d s warm-up, over %.0f s: CPU %.1f%% of one core, RSS %d MB (max sampled),"
                                + " %.0f HTTP checks/s (expected %.0f)%n",
                        warmupSeconds,
                        seconds,
                        cpuPercent,
                        maxRss / 1024,
                        checksPerSecond,
                        services / Double.parseDouble(interval));
                long stopStart = System.nanoTime();
                int exit = nerve.terminate(Duration.ofSeconds(30));
                System.out.printf(
                        "SIGTERM: exit %d after %d ms, %d registrations left%n",
                        exit, (System.nanoTime() - stopStart) / 1_000_000, registered(observer, services));
            }
        }
    }

    private static Path writeConfig(
            Path directory, int services, String interval, int port, String zooKeeper, int adminPort) throws Exception {
        StringBuilder yaml = new StringBuilder("instance_id: bench\nadmin: {port: " + adminPort + "}\nservices:\n");
        for (int i = 0; i < services; i++) {
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
                    .append(interval)
                    .append('\n')
                    .append("    checks: [{type: http, uri: /health, timeout: 1}]\n");
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

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[11] = utime, fields[12] = stime (stat fields 14 and 15)
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long rssKilobytes(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static long clockTicksPerSecond() throws Exception {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        String text = new String(getconf.getInputStream().readAllBytes()).trim();
        getconf.waitFor();
        return text.isEmpty() ? 100 : Long.parseLong(text);
    }
}
