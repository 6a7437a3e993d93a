package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.synapse.haproxy.Fixtures;
import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.ServiceSettingsReader;
import io.smartstack.synapse.haproxy.process.CommandResult;
import io.smartstack.synapse.model.DesiredState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lines Synapse adds for hitless reloads are valid for the mode they go into: HAProxy 2.6's own check says so. */
class AddedLinesCheckTest {
    @TempDir
    Path directory;

    private String render(String mode) throws Exception {
        return render(mode, java.util.Optional.empty());
    }

    private String render(String mode, java.util.Optional<HaproxyVersion> version) throws Exception {
        String yaml = "haproxy:\n"
                + "  config_file_path: " + directory.resolve("haproxy.cfg") + "\n"
                + "  socket_file_path: " + directory.resolve("haproxy.sock") + "\n"
                + "  reload_command: 'true'\n"
                + "  global: []\n"
                + "  defaults: ['mode " + mode + "', 'timeout connect 2s', 'timeout client 30s',"
                + " 'timeout server 30s']\n"
                + "services:\n"
                + "  db:\n"
                + "    haproxy: {port: 3300, server_options: check}\n"
                + "  cache:\n"
                + "    haproxy: {port: 3301}\n";
        HaproxySettings settings = Fixtures.settings(yaml);
        var mapper = new ObjectMapper();
        DesiredState desired = DesiredState.of(List.of(
                Fixtures.service(
                        "db",
                        List.of(Fixtures.backend("a", "127.0.0.1", 5432)),
                        mapper.readTree("{\"port\": 3300, \"server_options\": \"check\"}")),
                Fixtures.service(
                        "cache",
                        List.of(Fixtures.backend("b", "127.0.0.1", 6379)),
                        mapper.readTree("{\"port\": 3301}"))));
        var root = Fixtures.root(yaml).child("services");
        HaproxyModel model = ModelBuilder.build(
                ModelBuilder.Context.fresh(settings, true, version),
                desired,
                Map.of(
                        "db", ServiceSettingsReader.read(root.child("db").child("haproxy")),
                        "cache", ServiceSettingsReader.read(root.child("cache").child("haproxy"))));
        return HaproxyConfigRenderer.withDefaultTemplate().render(model);
    }

    private CommandResult check(String text) throws Exception {
        Path file = directory.resolve("candidate.cfg");
        Files.writeString(file, text);
        return CommandResult.run(List.of("haproxy", "-c", "-f", file.toString()), Duration.ofSeconds(30));
    }

    @Test
    void aPureTcpConfigPassesHaproxysCheckWithoutAWarning() throws Exception {
        String text = render("tcp");
        CommandResult check = check(text);

        assertEquals(0, check.exitCode(), check.output());
        assertFalse(check.output().contains("WARNING"), check.output());
        assertFalse(text.contains("idle-close-on-response"), text);
    }

    @Test
    void anHttpConfigGetsIdleCloseOnResponseInItsFrontendsAndPassesTheCheck() throws Exception {
        String text = render("http");
        CommandResult check = check(text);

        assertEquals(0, check.exitCode(), check.output());
        assertFalse(check.output().contains("WARNING"), check.output());
        assertEquals(
                2,
                text.lines()
                        .filter(line -> line.trim().equals("option idle-close-on-response"))
                        .count(),
                text);
        assertTrue(check.output().isBlank() || !check.output().contains("idle-close"), check.output());
    }

    @Test
    void theLinesSynapseAddsAreChosenByTheHaproxyVersion() throws Exception {
        String older = render("http", HaproxyVersion.parse("HA-Proxy version 1.7.14 2021/03/30"));
        assertFalse(older.contains("idle-close-on-response"), older);
        assertFalse(older.contains("hard-stop-after"), older);

        String twoFour = render("http", HaproxyVersion.parse("HAProxy version 2.4.22-f8e3218 2023/02/14"));
        assertFalse(twoFour.contains("idle-close-on-response"), twoFour);
        assertTrue(twoFour.contains("hard-stop-after"), twoFour);

        String installed = render(
                "http",
                HaproxyVersion.parse(CommandResult.run(List.of("haproxy", "-v"), Duration.ofSeconds(10))
                        .output()));
        assertTrue(installed.contains("option idle-close-on-response"), installed);
        assertEquals(0, check(installed).exitCode(), check(installed).output());
    }

    @Test
    void parsesTheVersionLineOfOldAndNewHaproxy() {
        assertEquals(
                java.util.Optional.of(new HaproxyVersion(2, 6)),
                HaproxyVersion.parse(
                        "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/\nStatus: long-term"));
        assertEquals(
                java.util.Optional.of(new HaproxyVersion(1, 8)),
                HaproxyVersion.parse("HA-Proxy version 1.8.30-1 2021/04/12\nCopyright 2000-2021 Willy Tarreau"));
        assertEquals(java.util.Optional.empty(), HaproxyVersion.parse("haproxy: command not found"));
    }
}
