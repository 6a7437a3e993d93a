package io.smartstack.synapse.haproxy.render;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.ServiceSettings;
import io.smartstack.synapse.haproxy.config.ServiceSettings.CookieValueMethod;
import io.smartstack.synapse.haproxy.render.HaproxyModel.Frontend;
import io.smartstack.synapse.haproxy.render.HaproxyModel.Section;
import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns the desired state into a {@link HaproxyModel} (pure). Adds what Synapse needs to the user's
 * lines, each only when the user did not write it: the stats socket, the server-state file, the
 * hitless-reload settings and HAProxy's status page.
 */
public final class ModelBuilder {
    private ModelBuilder() {}

    /**
     * @param rememberedIds backend name to server name to the id it had before
     * @param reservedIds backend name to ids held by running servers that are no longer desired
     * @param runningIds backend name to server name to its id in the running HAProxy
     * @param prometheusExporter whether the HAProxy build has the Prometheus exporter
     * @param version the HAProxy version the config is for; empty = unknown, the current syntax is used
     * @param warnings receives the server-id requests that could not be honoured, as log-ready sentences
     */
    public record Context(
            HaproxySettings settings,
            Map<String, Map<String, Integer>> rememberedIds,
            Map<String, Set<Integer>> reservedIds,
            Map<String, Map<String, Integer>> runningIds,
            boolean prometheusExporter,
            Optional<HaproxyVersion> version,
            Consumer<String> warnings) {
        /** A context with no history: nothing remembered, nothing running, the HAProxy version unknown. */
        public static Context fresh(HaproxySettings settings, boolean prometheusExporter) {
            return fresh(settings, prometheusExporter, Optional.empty());
        }

        /** A context with no history for the given HAProxy version; warnings dropped. */
        public static Context fresh(
                HaproxySettings settings, boolean prometheusExporter, Optional<HaproxyVersion> version) {
            return new Context(settings, Map.of(), Map.of(), Map.of(), prometheusExporter, version, warning -> {});
        }
    }

    public static HaproxyModel build(Context context, DesiredState desired, Map<String, ServiceSettings> services) {
        HaproxySettings settings = context.settings();
        List<ServiceModel> serviceModels = new ArrayList<>();
        List<String> shared = new ArrayList<>(settings.sharedFrontend().orElse(List.of()));
        for (ServiceState service : desired.services().values()) {
            ServiceSettings serviceSettings = services.getOrDefault(service.name(), Defaults.SERVICE);
            if (serviceSettings.disabled()) {
                continue;
            }
            serviceModels.add(service(context, service, serviceSettings));
            if (settings.sharedFrontend().isPresent()) {
                shared.addAll(serviceSettings.sharedFrontend());
            }
        }
        List<Section> extra = new ArrayList<>();
        settings.extraSections().forEach((title, lines) -> extra.add(new Section(title, lines)));
        settings.statusPage().ifPresent(page -> extra.add(statusPage(page, context.prometheusExporter())));
        return new HaproxyModel(
                global(settings, context.version()),
                defaults(settings),
                extra,
                serviceModels,
                settings.sharedFrontend().map(lines -> List.copyOf(shared)));
    }

    /** The model of one service (what {@link #build} makes for each enabled service). */
    public static ServiceModel service(Context context, ServiceState service, ServiceSettings settings) {
        HaproxySettings global = context.settings();
        String backendName = settings.backendName().orElse(service.name());
        ServerIds.Assignment assignment = ServerIds.assign(
                service.backends(),
                new ServerIds.Sources(
                        context.runningIds().getOrDefault(backendName, Map.of()),
                        context.rememberedIds().getOrDefault(backendName, Map.of()),
                        context.reservedIds().getOrDefault(backendName, Set.of())),
                global.maxServerId());
        assignment.warnings().forEach(warning -> context.warnings().accept("backend " + backendName + ": " + warning));
        Map<String, Integer> ids = assignment.ids();
        boolean cookies = !isTcpMode(global.defaults(), settings.backendLines());
        List<ServerModel> servers = new ArrayList<>();
        for (Backend backend : service.backends()) {
            Integer id = ids.get(backend.serverName());
            if (id != null) {
                servers.add(
                        server(backend, id, settings, cookies, global.useNerveWeights() || settings.useNerveWeights()));
            }
        }
        servers = ServerOrder.order(servers, ServerModel::name, settings.order(), global.serverOrderSeed());
        Optional<Frontend> frontend = Optional.empty();
        if (settings.frontend()) {
            String address = settings.bindAddress().orElse(global.bindAddress());
            String bind = address
                    + (settings.port().isPresent() ? ":" + settings.port().getAsInt() : "")
                    + settings.bindOptions().map(options -> " " + options).orElse("");
            frontend =
                    Optional.of(new Frontend(frontendLines(global, settings.frontendLines(), context.version()), bind));
        }
        return new ServiceModel(
                service.name(),
                frontend,
                backendName,
                settings.backendLines(),
                servers,
                BalanceAlgorithms.acceptsDynamicServers(global.defaults(), settings.backendLines()));
    }

    private static ServerModel server(
            Backend backend, int id, ServiceSettings settings, boolean cookies, boolean useWeights) {
        String name = backend.serverName();
        Optional<String> cookie = cookies
                ? Optional.of(settings.cookieValueMethod() == CookieValueMethod.HASH ? sha1(name) : name)
                : Optional.empty();
        List<String> options = new ArrayList<>();
        settings.serverOptions()
                .map(text -> text.replace("%{host}", backend.host())
                        .replace("%{port}", Integer.toString(backend.port()))
                        .replace("%{name}", backend.name() == null ? "" : backend.name()))
                .map(ServerIds::withoutId)
                .filter(text -> !text.isBlank())
                .ifPresent(options::add);
        backend.haproxyServerOptions()
                .map(ServerIds::withoutId)
                .filter(text -> !text.isBlank())
                .ifPresent(options::add);
        OptionalInt weight = useWeights ? backend.weight() : OptionalInt.empty();
        return new ServerModel(
                name,
                backend.host(),
                backend.port(),
                id,
                cookie,
                String.join(" ", options).trim(),
                weight,
                backend.origin() == BackendOrigin.STATE_CACHE,
                backend.origin());
    }

    static boolean isTcpMode(List<String> defaults, List<String> backendLines) {
        String mode = "tcp";
        List<String> all = new ArrayList<>(defaults);
        all.addAll(backendLines);
        for (String line : all) {
            String[] words = Words.of(line);
            if (words.length >= 2 && words[0].equals("mode")) {
                mode = words[1];
            }
        }
        // The original writes cookies unless the backend says "mode tcp"; a defaults section without
        // any mode line is HTTP-like for this purpose, as in the original.
        boolean anyMode = all.stream().anyMatch(line -> line.trim().startsWith("mode "));
        return anyMode && mode.equals("tcp");
    }

    private static List<String> global(HaproxySettings settings, Optional<HaproxyVersion> version) {
        List<String> lines = new ArrayList<>(settings.global());
        if (settings.runtime().doSocket()
                && !settings.runtime().socketFiles().isEmpty()
                && !hasKeyword(lines, "stats socket")) {
            lines.add("stats socket " + settings.runtime().socketFiles().get(0) + " mode 600 level admin");
        }
        settings.files()
                .serverStateFile()
                .filter(file -> !hasKeyword(lines, "server-state-file"))
                .ifPresent(file -> lines.add("server-state-file " + file));
        // hard-stop-after is HAProxy 1.8's
        if (settings.files().hitless()
                && HaproxyVersion.supports(version, 1, 8)
                && !hasKeyword(lines, "hard-stop-after")) {
            lines.add("hard-stop-after " + settings.files().hardStopAfter().toMillis() + "ms");
        }
        return lines;
    }

    private static List<String> defaults(HaproxySettings settings) {
        List<String> lines = new ArrayList<>(settings.defaults());
        if (settings.files().serverStateFile().isPresent() && !hasKeyword(lines, "load-server-state-from-file")) {
            lines.add("load-server-state-from-file global");
        }
        return lines;
    }

    /**
     * A frontend's lines, plus {@code option idle-close-on-response} for hitless reloads where it is
     * valid: in an HTTP frontend only (HAProxy warns about it in {@code mode tcp}, the default mode),
     * unless the user's defaults or frontend lines already say either way, and only for HAProxy 2.6 or
     * later (older versions refuse the option).
     */
    private static List<String> frontendLines(
            HaproxySettings settings, List<String> own, Optional<HaproxyVersion> version) {
        List<String> lines = new ArrayList<>(own);
        List<String> inherited = new ArrayList<>(settings.defaults());
        inherited.addAll(own);
        String mode = "tcp";
        for (String line : inherited) {
            String[] words = Words.of(line);
            if (words.length >= 2 && words[0].equals("mode")) {
                mode = words[1];
            }
        }
        if (settings.files().hitless()
                && mode.equals("http")
                && HaproxyVersion.supports(version, 2, 6)
                && !hasKeyword(inherited, "option idle-close-on-response")
                && !hasKeyword(inherited, "no option idle-close-on-response")) {
            lines.add("option idle-close-on-response");
        }
        return lines;
    }

    private static Section statusPage(HaproxySettings.StatusPage page, boolean prometheus) {
        List<String> lines = new ArrayList<>(List.of(
                "bind " + page.bindAddress() + ":" + page.port(),
                "mode http",
                "stats enable",
                "stats uri /",
                "stats refresh 5s",
                "stats show-legends"));
        if (prometheus) {
            lines.add(0, "http-request use-service prometheus-exporter if { path /metrics }");
        }
        return new Section("listen synapse-haproxy-stats", lines);
    }

    private static boolean hasKeyword(List<String> lines, String keyword) {
        return lines.stream().map(Words::normalized).anyMatch(line -> line.startsWith(keyword));
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** Settings of a service with no {@code haproxy} section: a backend only, as in the original. */
    public static final class Defaults {
        public static final ServiceSettings SERVICE = new ServiceSettings(
                false,
                false,
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of(),
                Optional.empty(),
                ServiceSettings.BackendOrder.SHUFFLE,
                List.of(),
                CookieValueMethod.NAME,
                false);

        private Defaults() {}
    }
}
