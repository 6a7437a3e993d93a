package io.smartstack.synapse.haproxy.live;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An HAProxy 2.6 started outside Synapse, as systemd or an init script starts it, in a temporary
 * directory: master-worker ({@code -W -S master.sock}, reloaded through the master socket) or daemon
 * mode ({@code -D}, reloaded the classic way with {@code -x <stats socket> -sf <old pid>}). Gives the
 * {@code reload_command} and stats-socket line Synapse is configured with, and probes that read
 * HAProxy itself. {@link #close()} stops every HAProxy process started on this config (also the old
 * ones) and deletes the directory, also when the test failed.
 */
public final class ExternalHaproxy implements AutoCloseable {
    /** How the test's HAProxy runs and is reloaded. */
    public enum Mode {
        MASTER_WORKER,
        DAEMON
    }

    public final Path directory;
    private final Mode mode;

    public ExternalHaproxy(Mode mode) {
        this.mode = mode;
        try {
            this.directory = Files.createTempDirectory(Path.of("/tmp"), "hx-external");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Mode mode() {
        return mode;
    }

    public Path config() {
        return directory.resolve("haproxy.cfg");
    }

    public Path socket() {
        return directory.resolve("haproxy.sock");
    }

    public Path masterSocket() {
        return directory.resolve("master.sock");
    }

    public Path pidFile() {
        return directory.resolve("haproxy.pid");
    }

    private String socketLine() {
        return "stats socket " + socket() + " mode 600 level admin"
                + (mode == Mode.DAEMON ? " expose-fd listeners" : "");
    }

    private String launch() {
        return mode == Mode.MASTER_WORKER
                ? "haproxy -W -D -S " + masterSocket() + " -p " + pidFile() + " -f " + config()
                : "haproxy -D -p " + pidFile() + " -f " + config();
    }

    /** The {@code reload_command} an operator would configure for this mode. */
    public String reloadCommand() {
        return mode == Mode.MASTER_WORKER
                ? "echo reload | socat - " + masterSocket()
                : launch() + " -x " + socket() + " -sf $(cat " + pidFile() + ")";
    }

    /** Starts HAProxy with a config that has no service yet; returns when its stats socket answers. */
    public void start() throws Exception {
        Files.writeString(
                config(),
                "global\n  " + socketLine() + "\n"
                        + "defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n");
        run(launch());
        await(Duration.ofSeconds(10), () -> workerPid() > 0);
    }

    /** A reload made by someone else than Synapse (an operator, config management), as Synapse would. */
    public void reload() throws Exception {
        if (mode == Mode.MASTER_WORKER) {
            new MasterCli(masterSocket()).execute("reload");
        } else {
            run(reloadCommand());
        }
    }

    private static void run(String command) throws Exception {
        Process process = new ProcessBuilder("/bin/sh", "-c", command)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("'" + command + "' failed: " + output);
        }
    }

    /**
     * The haproxy.generator settings a user of the originals writes for this HAProxy, plus {@code extra}
     * lines (YAML, two-space indented).
     */
    public String settingsYaml(String extra) {
        return "haproxy:\n"
                + "  config_file_path: " + config() + "\n"
                + "  socket_file_path: " + socket() + "\n"
                + "  reload_command: \"" + reloadCommand() + "\"\n"
                + "  restart_interval: 0.1\n"
                + "  drain_timeout: 1s\n"
                + "  global: ['" + socketLine() + "']\n"
                + "  defaults: ['mode http', 'timeout connect 2s', 'timeout client 30s', 'timeout server 30s',"
                + " 'balance roundrobin']\n"
                + extra;
    }

    /** A generator for this HAProxy, made through the factory as Synapse makes it (not started). */
    public ConfigGenerator newGenerator(SimpleMeterRegistry metrics, String extra) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse(settingsYaml(extra), "test").root(problems);
        ConfigGenerator generator =
                new HaproxyGeneratorFactory().create(root.child("haproxy"), Map.of(), new GeneratorContext(metrics));
        problems.throwIfAny();
        return generator;
    }

    public String runtime(String command) throws IOException {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket())) {
            return api.execute(command);
        }
    }

    /** The pid of the process serving now (the worker, or the daemon), asked on a new connection. */
    public long workerPid() {
        try {
            return Long.parseLong(RuntimeParsers.info(runtime("show info")).get("Pid"));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The master's {@code show proc} (master-worker mode only). */
    public ProcessList processes() throws IOException {
        return new MasterCli(masterSocket()).showProc();
    }

    /**
     * Every live process running HAProxy on this config (not a {@code haproxy -c} of a candidate) except the current ones (the master and its
     * current worker, or the daemon serving now): old workers and old daemons still finishing.
     */
    public List<Long> oldProcesses() throws IOException {
        Set<Long> current =
                mode == Mode.MASTER_WORKER ? Set.of(processes().masterPid(), workerPid()) : Set.of(workerPid());
        return haproxyProcesses().filter(pid -> !current.contains(pid)).toList();
    }

    /**
     * What the given old processes still hold: each one's {@code show sess} and {@code show fd} through
     * the master CLI (master-worker), or only its pid (daemon mode: an old daemon has no socket left).
     */
    public String describe(List<Long> old) {
        StringBuilder text = new StringBuilder();
        for (long pid : old) {
            text.append("pid ").append(pid).append('\n');
            if (mode == Mode.MASTER_WORKER) {
                for (String command : List.of("show sess", "show fd")) {
                    try {
                        text.append(new MasterCli(masterSocket()).execute("@!" + pid + " " + command));
                    } catch (IOException | RuntimeException e) {
                        text.append(command).append(": ").append(e.getMessage()).append('\n');
                    }
                }
            }
        }
        return text.toString();
    }

    private Stream<Long> haproxyProcesses() {
        String config = config().toString();
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().command().orElse("").endsWith("/haproxy")
                        && List.of(process.info().arguments().orElse(new String[0]))
                                .contains(config))
                .map(ProcessHandle::pid);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Duration atMost, Condition condition) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("HAProxy did not come up within " + atMost);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        haproxyProcesses().toList().forEach(LiveHaproxy::stopProcess);
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
