package io.smartstack.it.support;

import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * A whole SmartStack as separate OS processes started through {@code bin/}: the development ZooKeeper,
 * demo services, one Nerve per instance, Synapse with a managed HAProxy. It owns a directory for
 * configs, data and logs, picks free loopback ports, and {@link #close()} stops every process it
 * started, in reverse order, then the managed HAProxy Synapse leaves running on purpose. Registrations
 * go under a path unique to this stack, so stacks can share one ZooKeeper.
 */
public final class Stack implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path directory;
    private final Path logs;
    private final String pathPrefix =
            "/smartstack-it/" + UUID.randomUUID().toString().substring(0, 8);
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private final List<Path> haproxyPidFiles = new ArrayList<>();
    private String zooKeeperConnect;
    private boolean closed;

    private Stack(Path directory, String zooKeeperConnect) {
        this.directory = directory;
        this.logs = directory.resolve("logs");
        this.zooKeeperConnect = zooKeeperConnect;
    }

    /** A stack in {@code directory} that starts its own ZooKeeper with {@link #startZooKeeper()}. */
    public static Stack in(Path directory) {
        return new Stack(directory, null);
    }

    /** A stack in {@code directory} registering in an already running ZooKeeper. */
    public static Stack sharing(ZooKeeperProcess zooKeeper, Path directory) {
        return new Stack(directory, zooKeeper.connectString());
    }

    public Path directory() {
        return directory;
    }

    public Path logs() {
        return logs;
    }

    public String zooKeeperConnect() {
        if (zooKeeperConnect == null) {
            throw new IllegalStateException("no ZooKeeper: call startZooKeeper() first");
        }
        return zooKeeperConnect;
    }

    /** The znode under which instances of {@code service} register in this stack. */
    public String registrationPath(String service) {
        return pathPrefix + "/" + service + "/services";
    }

    public ZooKeeperProcess startZooKeeper() {
        ZooKeeperProcess zooKeeper =
                own(ZooKeeperProcess.start(FreePorts.next(), directory.resolve("zookeeper"), logs));
        zooKeeperConnect = zooKeeper.connectString();
        return zooKeeper;
    }

    /** Starts a released ZooKeeper server, e.g. {@code 3.4.14}, as this stack's registry. */
    public ZooKeeperProcess startZooKeeperRelease(String version) {
        ZooKeeperProcess zooKeeper = own(ZooKeeperProcess.startRelease(
                version, FreePorts.next(), directory.resolve("zookeeper-" + version), logs));
        zooKeeperConnect = zooKeeper.connectString();
        return zooKeeper;
    }

    /** Starts {@code bin/demo-service --name <name>} on a free port. */
    public DemoService demoService(String name) {
        return own(DemoService.start(name, logs));
    }

    /** Starts {@code bin/nerve} with the given {@code services:} entries (YAML, indented by four spaces). */
    public NerveProcess nerve(String instanceId, String servicesYaml) {
        int admin = FreePorts.next();
        String config = "instance_id: " + instanceId + "\n"
                + "admin: {bind: 127.0.0.1, port: " + admin + "}\n"
                + "services:\n" + servicesYaml;
        Path file = write("nerve-" + instanceId + ".yaml", config);
        return own(NerveProcess.start(instanceId, file, admin, logs));
    }

    /** Starts {@code bin/nerve --config FILE} on a config written elsewhere, its admin API on {@code adminPort}. */
    public NerveProcess nerveFromFile(String instanceId, Path config, int adminPort) {
        return own(NerveProcess.start(instanceId, config, adminPort, logs));
    }

    /**
     * Starts {@code bin/synapse --config FILE} on a config written elsewhere that manages an HAProxy whose files
     * are in {@code haproxyDirectory} (stopped with the stack), its admin API on {@code adminPort}.
     */
    public SynapseProcess synapseFromFile(Path config, int adminPort, int statsPort, Path haproxyDirectory) {
        haproxyPidFiles.add(haproxyDirectory.resolve("haproxy.pid"));
        return own(SynapseProcess.start(config, adminPort, statsPort, haproxyDirectory, logs));
    }

    /** A Nerve {@code services:} entry for an HTTP service checked on {@code /health}. */
    public String httpService(String service, int port, NerveTiming timing) {
        return httpService(service, port, timing, "");
    }

    /** As {@link #httpService(String, int, NerveTiming)} with extra keys of the entry (e.g. {@code labels: {az: a}}). */
    public String httpService(String service, int port, NerveTiming timing, String extraKeys) {
        String entry = service(
                service,
                port,
                timing,
                "{type: http, uri: /health, timeout: 0.5, rise: 1, fall: %d}".formatted(timing.fall()));
        return extraKeys.isEmpty() ? entry : entry + "    " + extraKeys + "\n";
    }

    /** A Nerve {@code services:} entry with one check given as a YAML flow map. */
    public String service(String service, int port, NerveTiming timing, String check) {
        return """
                  %s:
                    host: 127.0.0.1
                    port: %d
                    zk_hosts: [%s]
                    zk_path: %s
                    zk_session_timeout: %s
                    check_interval: %s
                    checks:
                      - %s
                """
                .formatted(
                        service,
                        port,
                        zooKeeperConnect(),
                        registrationPath(service),
                        seconds(timing.sessionTimeout()),
                        seconds(timing.checkInterval()),
                        check);
    }

    /**
     * Starts {@code bin/synapse} managing an HAProxy whose files live in {@code <directory>/haproxy}.
     * {@code servicesYaml} are the {@code services:} entries (indented by two spaces); use
     * {@link #discovery(String)} for their {@code discovery} lines.
     */
    public SynapseProcess synapse(String servicesYaml) {
        int admin = FreePorts.next();
        int stats = FreePorts.next();
        Path haproxy = directory.resolve("haproxy");
        String config =
                """
                admin: {bind: 127.0.0.1, port: %d}
                services:
                %s
                haproxy:
                  manage: true
                  config_file_path: %s
                  stats_port: %d
                  restart_interval: 0.5
                  drain_timeout: 3s
                  global:
                    - maxconn 512
                  defaults:
                    - mode http
                    - timeout connect 1s
                    - timeout client 10s
                    - timeout server 10s
                    - retries 2
                    - option redispatch
                    - balance roundrobin
                """
                        .formatted(admin, servicesYaml.stripTrailing(), haproxy.resolve("haproxy.cfg"), stats);
        try {
            Files.createDirectories(haproxy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        haproxyPidFiles.add(haproxy.resolve("haproxy.pid"));
        Path file = write("synapse.yaml", config);
        return own(SynapseProcess.start(file, admin, stats, haproxy, logs));
    }

    /** The {@code discovery:} map of a Synapse service watching this stack's registrations of {@code service}. */
    public String discovery(String service) {
        return "{method: zookeeper, hosts: [%s], path: %s}".formatted(zooKeeperConnect(), registrationPath(service));
    }

    private Path write(String name, String text) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(name);
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        if (closed) {
            closeQuietly(resource);
            throw new IllegalStateException("stack closed");
        }
        owned.push(resource);
        return resource;
    }

    /** The last {@code lines} lines of every log of this stack, to explain a failure. */
    public String logTails(int lines) {
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(logs)) {
            for (Path log : files.sorted().toList()) {
                List<String> all = Files.readAllLines(log);
                text.append("\n--- ")
                        .append(log.getFileName())
                        .append(" (last ")
                        .append(lines)
                        .append(" lines)\n");
                all.subList(Math.max(0, all.size() - lines), all.size())
                        .forEach(line -> text.append(line).append('\n'));
            }
        } catch (IOException e) {
            text.append("(cannot read logs in ")
                    .append(logs)
                    .append(": ")
                    .append(e)
                    .append(")");
        }
        return text.toString();
    }

    static String seconds(Duration duration) {
        return (duration.toMillis() / 1000.0) + "";
    }

    /** Stops every process this stack started (newest first), then each managed HAProxy. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!owned.isEmpty()) {
            closeQuietly(owned.pop());
        }
        for (Path pidFile : haproxyPidFiles) {
            ManagedHaproxy.stop(pidFile);
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("cannot stop " + resource + ": " + e);
        }
    }

    /** Nerve timing for a service: check interval, fall, ZooKeeper session timeout. */
    public record NerveTiming(Duration checkInterval, int fall, Duration sessionTimeout) {
        public static final NerveTiming FAST = new NerveTiming(Duration.ofMillis(500), 2, Duration.ofSeconds(10));

        public NerveTiming withSessionTimeout(Duration timeout) {
            return new NerveTiming(checkInterval, fall, timeout);
        }

        public NerveTiming withFall(int newFall, Duration interval) {
            return new NerveTiming(interval, newFall, sessionTimeout);
        }
    }

    static ExternalProcess launch(String launcher, String name, List<String> arguments, Path logs) {
        return Launchers.start(launcher, name, arguments, logs);
    }
}
