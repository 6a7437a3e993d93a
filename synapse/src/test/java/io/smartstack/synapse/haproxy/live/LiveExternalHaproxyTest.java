package io.smartstack.synapse.haproxy.live;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.HaproxyGeneratorFactory;
import io.smartstack.synapse.haproxy.process.MasterCli;
import io.smartstack.synapse.haproxy.process.ProcessList;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
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
 * Synapse driving an HAProxy 2.6 it does not manage: master-worker, started by this test, reloaded by
 * {@code reload_command} through its master socket (as a systemd unit does). Churn goes through the
 * runtime API only, the runtime session follows the worker after any reload, and no old worker is
 * kept alive. The same in daemon mode, reloaded the classic way ({@code -x <socket> -sf <old pid>}).
 */
class LiveExternalHaproxyTest {
    @TempDir
    Path directory;

    private final HttpBackends backends = new HttpBackends();
    private final int port = FreePorts.next();
    private ConfigGenerator generator;
    private long master = -1;

    private final List<Long> daemons = new ArrayList<>();

    @AfterEach
    void stop() {
        if (generator != null) {
            generator.close();
        }
        try {
            daemons.add(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (java.io.IOException | NumberFormatException e) {
            // no daemon-mode HAProxy was started by this test
        }
        daemons.forEach(LiveHaproxy::stopProcess);
        LiveHaproxy.stopProcess(master);
        backends.close();
    }

    private Path config() {
        return directory.resolve("haproxy.cfg");
    }

    private Path socket() {
        return directory.resolve("haproxy.sock");
    }

    private Path masterSocket() {
        return directory.resolve("master.sock");
    }

    private void startHaproxy() throws Exception {
        Files.writeString(
                config(),
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
                        config().toString())
                .redirectErrorStream(true)
                .start();
        assertEquals(0, launcher.waitFor(), new String(launcher.getInputStream().readAllBytes()));
        // the pid file may still be empty when the launcher returns
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Files.readString(pidFile()).trim().matches("\\d+"));
        master = Long.parseLong(Files.readString(pidFile()).trim());
        await().atMost(Duration.ofSeconds(10)).until(() -> processes().workers().size() == 1);
    }

    private Path pidFile() {
        return directory.resolve("haproxy.pid");
    }

    private String daemonCommand() {
        return "haproxy -D -p " + pidFile() + " -f " + config();
    }

    private long startDaemon() throws Exception {
        Files.writeString(
                config(),
                "global\n  stats socket " + socket() + " mode 600 level admin expose-fd listeners\n"
                        + "defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n  timeout server 30s\n");
        Process launcher = new ProcessBuilder("/bin/sh", "-c", daemonCommand())
                .redirectErrorStream(true)
                .start();
        assertEquals(0, launcher.waitFor(), new String(launcher.getInputStream().readAllBytes()));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket()));
        return workerPid();
    }

    private ProcessList processes() throws Exception {
        return new MasterCli(masterSocket()).showProc();
    }

    private long workerPid() throws Exception {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket())) {
            return Long.parseLong(RuntimeParsers.info(api.execute("show info")).get("Pid"));
        }
    }

    private void startGenerator() throws Exception {
        startGenerator("echo reload | socat - " + masterSocket(), "");
    }

    private void startGenerator(String reloadCommand, String socketOptions) throws Exception {
        String yaml = "haproxy:\n"
                + "  config_file_path: " + config() + "\n"
                + "  socket_file_path: " + socket() + "\n"
                + "  reload_command: \"" + reloadCommand + "\"\n"
                + "  restart_interval: 0.1\n"
                + "  drain_timeout: 1s\n"
                + "  global: ['stats socket " + socket() + " mode 600 level admin" + socketOptions + "']\n"
                + "  defaults: ['mode http', 'timeout connect 2s', 'timeout client 30s', 'timeout server 30s',"
                + " 'balance roundrobin']\n";
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

    @Test
    void churnNeverReloadsAndTheSessionFollowsAReloadMadeByTheTest() throws Exception {
        startHaproxy();
        startGenerator();
        List<Backend> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers.add(backend("s" + i, "127.0.0.1", backends.start("s" + i)));
        }
        generator.apply(web(servers));
        await().atMost(Duration.ofSeconds(10)).until(() -> Traffic.once(port).startsWith("s"));
        assertEquals(1, processes().reloads(), "one reload at startup: the service is new to HAProxy");
        long worker = workerPid();

        try (Traffic traffic = new Traffic(port).start(2)) {
            for (int i = 3; i < 53; i++) {
                servers.add(backend("s" + i, "127.0.0.1", backends.start("s" + i)));
                generator.apply(web(servers));
            }
            for (int i = 0; i < 50; i++) {
                servers.remove(0);
                generator.apply(web(servers));
            }
            assertEquals(1, processes().reloads(), "no reload for churn");
            assertEquals(worker, workerPid(), "the same worker serves");

            new MasterCli(masterSocket()).execute("reload"); // someone else reloads
            await().atMost(Duration.ofSeconds(10)).until(() -> workerPid() != worker);
            servers.add(backend("late", "127.0.0.1", backends.start("late")));
            generator.apply(web(servers));

            String state;
            try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket())) {
                state = api.execute("show servers state web");
            }
            assertTrue(state.contains("late_127.0.0.1"), "the command reached the new worker: " + state);
            await().atMost(Duration.ofSeconds(5)).until(() -> traffic.ok() > 50);
            assertEquals(Map.of(), traffic.errors());
        }
        assertEquals(2, processes().reloads(), "only the test's own reload came after the startup one");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> processes().oldWorkers().isEmpty());
    }

    @Test
    void daemonModeReloadedWithSfChurnsWithoutReloadAndLeavesNoOldProcess() throws Exception {
        long first = startDaemon();
        daemons.add(first);
        startGenerator(daemonCommand() + " -x " + socket() + " -sf $(cat " + pidFile() + ")", " expose-fd listeners");
        List<Backend> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers.add(backend("d" + i, "127.0.0.1", backends.start("d" + i)));
        }
        generator.apply(web(servers));
        await().atMost(Duration.ofSeconds(10)).until(() -> Traffic.once(port).startsWith("d"));
        long serving = workerPid();
        daemons.add(serving);
        assertTrue(serving != first, "the startup reload replaced the first process");

        try (Traffic traffic = new Traffic(port).start(2)) {
            for (int i = 3; i < 53; i++) {
                servers.add(backend("d" + i, "127.0.0.1", backends.start("d" + i)));
                generator.apply(web(servers));
            }
            for (int i = 0; i < 50; i++) {
                servers.remove(0);
                generator.apply(web(servers));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> traffic.ok() > 50);
            assertEquals(Map.of(), traffic.errors());
        }
        assertEquals(serving, workerPid(), "no reload for churn: the same process serves");
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) generator.status();
        assertEquals(1, status.get("reloads"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false) == false);
    }

    @SuppressWarnings("unchecked")
    private List<String> notReady() {
        return (List<String>) ((Map<String, Object>) generator.status()).get("notReady");
    }

    @Test
    void aFailingReloadCommandMakesItNotReadyWithTheReasonUntilAReloadSucceedsThenAnUnreachableSocketDoesToo()
            throws Exception {
        startHaproxy();
        Path script = directory.resolve("reload.sh");
        Files.writeString(script, "#!/bin/sh\necho 'unit haproxy.service is masked' >&2\nexit 1\n");
        script.toFile().setExecutable(true);
        startGenerator(script.toString(), "");
        Backend a = backend("a", "127.0.0.1", backends.start("a"));
        generator.apply(web(List.of(a)));

        await().atMost(Duration.ofSeconds(10)).until(() -> notReady().stream()
                .anyMatch(reason -> reason.startsWith("the last reload failed")
                        && reason.contains("unit haproxy.service is masked")));
        assertEquals(0, processes().reloads(), "HAProxy itself was never reloaded");

        Files.writeString(script, "#!/bin/sh\necho reload | socat - " + masterSocket() + "\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> notReady().isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> Traffic.once(port).startsWith("a"));

        LiveHaproxy.stopProcess(master);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> notReady().stream().anyMatch(reason -> reason.contains(socket().toString())));
    }
}
