package io.smartstack.synapse.haproxy.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The top-level {@code haproxy} section, validated, with every default applied. Key by key in
 * docs/haproxy-config.md.
 *
 * @param global lines of the {@code global} section, verbatim
 * @param defaults lines of the {@code defaults} section, verbatim
 * @param extraSections section title to its lines, verbatim, in document order
 * @param files where the config, its candidate and the server-state file live
 * @param runtime the stats socket and how the runtime API is used
 * @param reloads how and how often HAProxy is reloaded
 * @param serverOrderSeed seed of the shuffle of server lines (random per start when not configured)
 * @param maxServerId largest server id assigned
 * @param bindAddress default frontend bind address
 * @param sharedFrontend lines of the shared frontend, if configured
 * @param useNerveWeights take the {@code weight} from the registration
 * @param templatePath a user FreeMarker template replacing the default one
 * @param statusPage HAProxy's own status page (and Prometheus exporter), if enabled
 * @param managed the HAProxy process Synapse runs itself, if {@code manage: true}
 * @param stateFilePath the original's state cache file (read by the core)
 * @param stateFileTtl how long the core remembers backends in the state file
 * @param zoneRouting zone-aware routing ({@code zone_routing}); off when not configured
 */
public record HaproxySettings(
        List<String> global,
        List<String> defaults,
        Map<String, List<String>> extraSections,
        Files files,
        Runtime runtime,
        Reloads reloads,
        long serverOrderSeed,
        int maxServerId,
        String bindAddress,
        Optional<List<String>> sharedFrontend,
        boolean useNerveWeights,
        Optional<Path> templatePath,
        Optional<StatusPage> statusPage,
        Optional<Managed> managed,
        Optional<Path> stateFilePath,
        Duration stateFileTtl,
        ZoneRoutingSettings zoneRouting) {

    public HaproxySettings {
        global = List.copyOf(global);
        defaults = List.copyOf(defaults);
        extraSections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extraSections));
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(reloads, "reloads");
        Objects.requireNonNull(zoneRouting, "zoneRouting");
    }

    /**
     * @param doWrites write the config file at all
     * @param configFile the installed haproxy.cfg
     * @param doChecks validate the candidate before installing it
     * @param checkCommand the check command; {@code %{file}} is replaced by the candidate's path
     * @param candidateFile where the candidate is written and checked
     * @param serverStateFile written with {@code show servers state} just before each reload
     * @param hitless add the settings that keep reloads hitless (hard-stop-after, idle-close, server state)
     * @param hardStopAfter value of {@code hard-stop-after} added to {@code global}
     */
    public record Files(
            boolean doWrites,
            Path configFile,
            boolean doChecks,
            String checkCommand,
            Path candidateFile,
            Optional<Path> serverStateFile,
            boolean hitless,
            Duration hardStopAfter) {}

    /**
     * @param doSocket use the runtime API at all
     * @param socketFiles the stats sockets (one per HAProxy process)
     * @param dynamicServers add and delete servers at runtime; empty = on when HAProxy >= 2.5
     * @param drainTimeout how long a removed server drains before it is deleted with connections left
     */
    public record Runtime(
            boolean doSocket, List<Path> socketFiles, Optional<Boolean> dynamicServers, Duration drainTimeout) {
        public Runtime {
            socketFiles = List.copyOf(socketFiles);
        }
    }

    /**
     * @param doReloads reload when the plan needs it
     * @param reloadCommand shell command reloading an externally managed HAProxy
     * @param restartInterval minimum time between two reloads
     * @param restartJitter random extra fraction of the interval
     */
    public record Reloads(
            boolean doReloads, Optional<String> reloadCommand, Duration restartInterval, double restartJitter) {}

    /** HAProxy's status page on {@code bindAddress:port}, plus {@code /metrics} when the build has the exporter. */
    public record StatusPage(String bindAddress, int port) {}

    /**
     * A master-worker HAProxy started, adopted and restarted by Synapse.
     *
     * @param haproxyPath the haproxy executable
     * @param pidFile the master's pid file
     * @param masterSocket the master CLI socket
     * @param healthInterval how often the master is checked (and restarted when dead)
     */
    public record Managed(String haproxyPath, Path pidFile, Path masterSocket, Duration healthInterval) {}
}
