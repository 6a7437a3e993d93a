package io.smartstack.synapse.haproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.ConfigProblems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {
    private static List<String> problems(String yaml) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse(yaml, "test.yaml").root(problems);
        SettingsReader.read(root.child("haproxy"), true);
        return problems.list().stream().map(ConfigProblem::toString).toList();
    }

    private static HaproxySettings read(String yaml) {
        ConfigProblems problems = new ConfigProblems();
        HaproxySettings settings = SettingsReader.read(
                ConfigDocument.parse(yaml, "t").root(problems).child("haproxy"), false);
        problems.throwIfAny();
        return settings;
    }

    @Test
    void theOriginalDefaultsApply() {
        HaproxySettings settings = read("haproxy: {global: [], defaults: [], reload_command: r, socket_file_path: /s}");

        assertTrue(settings.files().doWrites());
        assertEquals(Path.of("/etc/haproxy/haproxy.cfg"), settings.files().configFile());
        assertEquals(
                Path.of("/etc/haproxy/haproxy.cfg.candidate"), settings.files().candidateFile());
        assertFalse(settings.files().doChecks(), "do_checks defaults to haproxy being on the PATH");
        assertTrue(settings.reloads().doReloads());
        assertEquals(Duration.ofSeconds(2), settings.reloads().restartInterval());
        assertEquals(0.0, settings.reloads().restartJitter());
        assertEquals(65535, settings.maxServerId());
        assertEquals("localhost", settings.bindAddress());
        assertEquals(Duration.ofDays(1), settings.stateFileTtl());
        assertEquals(Optional.empty(), settings.runtime().dynamicServers());
        assertEquals(Duration.ofSeconds(10), settings.runtime().drainTimeout());
        assertEquals(Optional.of(new HaproxySettings.StatusPage("127.0.0.1", 3212)), settings.statusPage());
        assertEquals(Optional.empty(), settings.managed());
        assertFalse(settings.useNerveWeights());
    }

    @Test
    void theStatusPageIsNotAddedBesideTheUsersOwnUnlessAPortIsGiven() {
        String base = "haproxy: {global: [], defaults: [], reload_command: r, socket_file_path: /s, "
                + "extra_sections: {'listen stats :3212': [mode http, stats enable, stats uri /]}";
        assertEquals(Optional.empty(), read(base + "}").statusPage());
        assertEquals(
                Optional.of(new HaproxySettings.StatusPage("127.0.0.1", 3300)),
                read(base + ", stats_port: 3300}").statusPage());
        assertEquals(Optional.empty(), read(base + ", stats_port: null}").statusPage());
    }

    @Test
    void socketPathMayBeAStringOrAList() {
        assertEquals(
                List.of(Path.of("/a"), Path.of("/b")),
                read("haproxy: {global: [], defaults: [], reload_command: r, socket_file_path: [/a, /b]}")
                        .runtime()
                        .socketFiles());
        assertEquals(
                List.of(Path.of("/a")),
                read("haproxy: {global: [], defaults: [], reload_command: r, socket_file_path: /a}")
                        .runtime()
                        .socketFiles());
    }

    @Test
    void managedModePutsItsFilesNextToTheConfig() {
        HaproxySettings settings = read("haproxy: {global: [], defaults: [], manage: true, haproxy_path: /bin/sh,"
                + " config_file_path: /run/x/haproxy.cfg}");

        HaproxySettings.Managed managed = settings.managed().orElseThrow();
        assertEquals(Path.of("/run/x/haproxy.pid"), managed.pidFile());
        assertEquals(Path.of("/run/x/haproxy-master.sock"), managed.masterSocket());
        assertEquals(List.of(Path.of("/run/x/haproxy.sock")), settings.runtime().socketFiles());
        assertEquals(
                Optional.of(Path.of("/run/x/haproxy.state")), settings.files().serverStateFile());
    }

    @Test
    void everyProblemIsReportedTogether() {
        List<String> problems = problems("haproxy:\n"
                + "  do_socket: true\n"
                + "  restart_interval: soon\n"
                + "  restart_jitter: 2\n"
                + "  max_server_id: 0\n"
                + "  dynamic_servers: maybe\n"
                + "  reload_comand: x\n");

        assertEquals(9, problems.size(), problems.toString());
        String all = String.join("\n", problems);
        assertTrue(all.contains("haproxy.global: is required"), all);
        assertTrue(all.contains("haproxy.defaults: is required"), all);
        assertTrue(all.contains("haproxy.socket_file_path: is required when do_socket is true"), all);
        assertTrue(all.contains("haproxy.reload_command: is required when do_reloads is true"), all);
        assertTrue(all.contains("haproxy.restart_jitter: must be between 0.0 and 1.0, got 2.0"), all);
        assertTrue(all.contains("haproxy.max_server_id: must be >= 1, got 0"), all);
        assertTrue(all.contains("haproxy.restart_interval: not a duration: 'soon'"), all);
        assertTrue(all.contains("haproxy.dynamic_servers: must be true or false, got 'maybe'"), all);
        assertTrue(all.contains("unknown key 'reload_comand'. Did you mean: reload_command?"), all);
    }

    @Test
    void serviceSectionProblemsAreAllReported() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode node = ConfigDocument.parse(
                        "s: {port: 70000, backend_order: random, cookie_value_method: sha, backend_name: 'a b',"
                                + " listen: mode http, bind_adress: x}",
                        "t")
                .root(problems)
                .child("s");
        ServiceSettingsReader.read(node);

        String all = problems.list().toString();
        assertEquals(5, problems.list().size(), all);
        assertTrue(all.contains("s.port: must be a port number between 1 and 65535, got 70000"), all);
        assertTrue(all.contains("s.backend_order: must be one of asc, desc, no_shuffle, shuffle, got 'random'"), all);
        assertTrue(all.contains("s.cookie_value_method: must be one of name, hash, got 'sha'"), all);
        assertTrue(all.contains("s.backend_name: may contain only"), all);
        assertTrue(all.contains("unknown key 'bind_adress'. Did you mean: bind_address?"), all);
    }

    @Test
    void aNullPortMeansAFrontendWithoutPortAndAnAbsentPortNoFrontend() {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigDocument.parse("a: {port: null}\nb: {}\n", "t").root(problems);
        ServiceSettings withNull = ServiceSettingsReader.read(root.child("a"));
        ServiceSettings absent = ServiceSettingsReader.read(root.child("b"));

        assertTrue(withNull.frontend());
        assertTrue(withNull.port().isEmpty());
        assertFalse(absent.frontend());
        assertTrue(problems.isEmpty(), problems.list().toString());
    }
}
