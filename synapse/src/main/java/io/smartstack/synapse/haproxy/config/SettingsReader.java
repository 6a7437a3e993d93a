package io.smartstack.synapse.haproxy.config;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.haproxy.config.HaproxySettings.Files;
import io.smartstack.synapse.haproxy.config.HaproxySettings.Managed;
import io.smartstack.synapse.haproxy.config.HaproxySettings.Reloads;
import io.smartstack.synapse.haproxy.config.HaproxySettings.Runtime;
import io.smartstack.synapse.haproxy.config.HaproxySettings.StatusPage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the top-level {@code haproxy} section into {@link HaproxySettings}, recording every problem on
 * the node instead of stopping at the first. Does no I/O except looking for haproxy on the PATH (for
 * the default of {@code do_checks}).
 */
public final class SettingsReader {
    static final int DEFAULT_MAX_SERVER_ID = 65535;
    public static final int DEFAULT_STATUS_PORT = 3212;

    private SettingsReader() {}

    public static HaproxySettings read(ConfigNode node) {
        return read(node, ExecutableLookup.onPath("haproxy").isPresent());
    }

    /** {@code haproxyOnPath} decides the default of {@code do_checks}. */
    public static HaproxySettings read(ConfigNode node, boolean haproxyOnPath) {
        if (!node.isPresent() || node.isNull() || !node.isMap()) {
            if (!node.isMap()) {
                node.problem("must be a map of keys");
            }
        }
        List<String> global = requiredLines(node, "global");
        List<String> defaults = requiredLines(node, "defaults");
        Map<String, List<String>> extra = extraSections(node);

        boolean manage = node.bool("manage", false);
        Path configFile = Path.of(node.string("config_file_path", "/etc/haproxy/haproxy.cfg"));
        Path directory = configFile.toAbsolutePath().getParent();
        Files files = readFiles(node, configFile, directory, manage, haproxyOnPath);
        Runtime runtime = readRuntime(node, directory, manage);
        Reloads reloads = readReloads(node, manage);
        long seed = node.optionalLong("server_order_seed").orElseGet(() -> new SecureRandom().nextLong());
        int maxServerId = node.integerAtLeast("max_server_id", DEFAULT_MAX_SERVER_ID, 1);
        String bindAddress = node.string("bind_address", "localhost");
        Optional<List<String>> sharedFrontend =
                node.has("shared_frontend") ? Optional.of(node.stringList("shared_frontend")) : Optional.empty();
        node.accept("shared_frontend");
        boolean useNerveWeights = node.bool("use_nerve_weights", false);
        Optional<Path> templatePath = node.optionalString("template_path").map(Path::of);
        Optional<StatusPage> statusPage = readStatusPage(node, extra);
        Optional<Managed> managed = manage ? Optional.of(readManaged(node, directory)) : Optional.empty();
        if (!manage) {
            node.accept("haproxy_path", "pid_file_path", "master_socket_path", "health_interval");
        }
        Optional<Path> stateFile = node.optionalString("state_file_path").map(Path::of);
        Duration stateTtl = node.positiveDuration("state_file_ttl", Duration.ofDays(1));
        ZoneRoutingSettings zoneRouting = ZoneRoutingReader.read(node.child("zone_routing"), System::getenv);
        node.finish();
        return new HaproxySettings(
                global,
                defaults,
                extra,
                files,
                runtime,
                reloads,
                seed,
                maxServerId,
                bindAddress,
                sharedFrontend,
                useNerveWeights,
                templatePath,
                statusPage,
                managed,
                stateFile,
                stateTtl,
                zoneRouting);
    }

    private static Files readFiles(
            ConfigNode node, Path configFile, Path directory, boolean manage, boolean haproxyOnPath) {
        boolean doWrites = node.bool("do_writes", true);
        if (manage && !doWrites) {
            node.problemAt("do_writes", "must be true with manage: true (the managed HAProxy runs the written file)");
        }
        boolean doChecks = node.bool("do_checks", haproxyOnPath);
        String haproxy = node.raw().path("haproxy_path").asText("haproxy");
        String checkCommand = node.string("check_command", haproxy + " -c -f %{file}");
        Path candidate = Path.of(node.string("candidate_config_file_path", configFile + ".candidate"));
        Optional<Path> serverState =
                node.optionalString("server_state_file_path").map(Path::of);
        if (serverState.isEmpty() && manage) {
            serverState = Optional.of(directory.resolve("haproxy.state"));
        }
        boolean hitless = node.bool("hitless_reloads", true);
        Duration hardStopAfter = node.positiveDuration("hard_stop_after", Duration.ofMinutes(1));
        return new Files(doWrites, configFile, doChecks, checkCommand, candidate, serverState, hitless, hardStopAfter);
    }

    private static Runtime readRuntime(ConfigNode node, Path directory, boolean manage) {
        boolean doSocket = node.bool("do_socket", true);
        List<String> sockets = node.stringList("socket_file_path");
        if (sockets.isEmpty() && manage) {
            sockets = List.of(directory.resolve("haproxy.sock").toString());
        }
        if (doSocket && sockets.isEmpty()) {
            node.problemAt("socket_file_path", "is required when do_socket is true");
        }
        Optional<Boolean> dynamic = node.has("dynamic_servers")
                        && !node.raw().get("dynamic_servers").isNull()
                ? Optional.of(node.bool("dynamic_servers", true))
                : Optional.empty();
        node.accept("dynamic_servers");
        Duration drainTimeout = node.positiveDuration("drain_timeout", Duration.ofSeconds(10));
        return new Runtime(doSocket, sockets.stream().map(Path::of).toList(), dynamic, drainTimeout);
    }

    private static Reloads readReloads(ConfigNode node, boolean manage) {
        boolean doReloads = node.bool("do_reloads", true);
        Optional<String> command = node.optionalString("reload_command");
        if (doReloads && !manage && command.isEmpty()) {
            node.problemAt("reload_command", "is required when do_reloads is true and manage is false");
        }
        Duration interval = node.duration("restart_interval", Duration.ofSeconds(2));
        double jitter =
                node.optionalNumber("restart_jitter").map(Number::doubleValue).orElse(0.0);
        if (jitter < 0 || jitter > 1) {
            node.problemAt("restart_jitter", "must be between 0.0 and 1.0, got " + jitter);
            jitter = 0;
        }
        return new Reloads(doReloads, command, interval, jitter);
    }

    /**
     * The status page Synapse adds, unless turned off ({@code stats_port: null}) or, without an explicit
     * {@code stats_port}, unless one of the user's extra sections already serves one (the originals'
     * examples have {@code listen stats :3212}; a second page on the same port would not start).
     */
    private static Optional<StatusPage> readStatusPage(ConfigNode node, Map<String, List<String>> extraSections) {
        String address = node.string("stats_bind_address", "127.0.0.1");
        if (node.has("stats_port") && node.raw().get("stats_port").isNull()) {
            node.accept("stats_port");
            return Optional.empty();
        }
        Optional<Integer> port = node.optionalPort("stats_port");
        boolean userHasStatusPage = extraSections.values().stream()
                .flatMap(List::stream)
                .anyMatch(line -> line.trim().startsWith("stats enable"));
        if (port.isEmpty() && userHasStatusPage) {
            return Optional.empty();
        }
        return Optional.of(new StatusPage(address, port.orElse(DEFAULT_STATUS_PORT)));
    }

    private static Managed readManaged(ConfigNode node, Path directory) {
        String haproxy = node.string("haproxy_path", "haproxy");
        if (ExecutableLookup.resolve(haproxy).isEmpty()) {
            node.problemAt("haproxy_path", "no executable found: '" + haproxy + "'");
        }
        Path pidFile = Path.of(
                node.string("pid_file_path", directory.resolve("haproxy.pid").toString()));
        Path master = Path.of(node.string(
                "master_socket_path", directory.resolve("haproxy-master.sock").toString()));
        Duration health = node.positiveDuration("health_interval", Duration.ofSeconds(1));
        return new Managed(haproxy, pidFile, master, health);
    }

    private static List<String> requiredLines(ConfigNode node, String key) {
        if (!node.has(key)) {
            node.accept(key);
            node.problemAt(key, "is required (a list of lines)");
            return List.of();
        }
        return node.stringList(key);
    }

    /** {@code extra_sections}, with HAProxy 1.x titles that carry an address rewritten (one warning each). */
    private static Map<String, List<String>> extraSections(ConfigNode node) {
        Map<String, List<String>> extra = new LinkedHashMap<>();
        ConfigNode sections = node.child("extra_sections");
        for (String title : node.entries("extra_sections").keySet()) {
            List<String> lines = lines(node, "extra_sections", title);
            Optional<SectionTitles.Translation> translation = SectionTitles.translate(title);
            if (translation.isEmpty()) {
                extra.put(title, lines);
                continue;
            }
            String rewritten = translation.get().title();
            if (extra.containsKey(rewritten)
                    || node.raw().path("extra_sections").has(rewritten)) {
                sections.problemAt(title, "is the section '" + rewritten + "' a second time");
                continue;
            }
            sections.warnAt(
                    title,
                    "HAProxy 1.x section title with an address, refused by HAProxy 2 (\"please use the 'bind'"
                            + " keyword\"): written as section '" + rewritten + "' starting with '"
                            + translation.get().bindLine() + "'");
            extra.put(rewritten, SectionTitles.withBind(translation.get(), lines));
        }
        return extra;
    }

    private static List<String> lines(ConfigNode node, String section, String title) {
        ConfigNode extra = node.child(section);
        return extra.stringList(title);
    }
}
