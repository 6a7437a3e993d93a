package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.ServiceSettings;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.ModelBuilder;
import io.smartstack.synapse.haproxy.render.RememberedIds;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.zone.ZoneRouting;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the model of a desired state against what HAProxy runs, and remembers the id of every
 * server across passes: a server keeps the id it runs with, a returning server gets its old id back,
 * and the ids of servers still running but no longer desired are not handed to new ones. Runs on the
 * generator's thread.
 */
final class DesiredModels {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredModels.class);
    private final HaproxySettings settings;
    private final ServiceSettingsCache serviceSettings = new ServiceSettingsCache();
    private final ZoneRouting zones;
    /**
     * Backend name to server name to its last id, each trimmed after a pass ({@link RememberedIds}):
     * without a bound, each pass would cost more as the names a backend ever had add up.
     */
    private final Map<String, Map<String, Integer>> rememberedIds = new HashMap<>();

    private HaproxyBuild build = HaproxyBuild.UNKNOWN;
    private Set<String> loggedWarnings = Set.of();

    DesiredModels(HaproxySettings settings) {
        this.settings = settings;
        this.zones = new ZoneRouting(settings.zoneRouting());
    }

    /** The zone routing of every pass (its last decisions are shown in the status). */
    ZoneRouting zones() {
        return zones;
    }

    /**
     * The HAProxy build the models are for (known once it was asked): its version chooses the lines Synapse
     * adds, its Prometheus exporter goes on the status page.
     */
    void haproxyBuild(HaproxyBuild build) {
        this.build = build;
    }

    /**
     * Remembers the server ids of a config HAProxy ran with before this process started (the installed
     * file), so a restart of Synapse and HAProxy together keeps every server's id. Ids already known win.
     */
    void rememberInstalled(String installedConfig) {
        InstalledServerIds.read(installedConfig)
                .forEach((backend, ids) ->
                        ids.forEach((server, id) -> remembered(backend).putIfAbsent(server, id)));
    }

    /** The model for {@code desired} (with zone routing applied), its ids remembered for the next passes. */
    HaproxyModel build(DesiredState desired, Optional<RuntimeState> runtime) {
        List<String> warnings = new ArrayList<>();
        HaproxyModel model = zones.apply(build(desired, runtime, warnings::add), desired, runtime);
        logTransitions(warnings);
        for (HaproxyModel.ServiceModel service : model.services()) {
            Map<String, Integer> ids = remembered(service.backendName());
            for (ServerModel server : service.servers()) {
                ids.put(server.name(), server.id());
            }
            RememberedIds.trim(ids, service.servers().size());
        }
        return model;
    }

    private Map<String, Integer> remembered(String backend) {
        return rememberedIds.computeIfAbsent(backend, key -> RememberedIds.create());
    }

    /** The backend name of a service (its {@code backend_name}, else its name). */
    String backendName(ServiceState service) {
        return serviceSettings.settingsFor(service).backendName().orElse(service.name());
    }

    /**
     * The models of the named services only, against {@code runtime} (which holds at least their
     * backends), ids remembered as {@link #build} does: what a change to a few services costs, whatever
     * the number of the others. A disabled service has no model. Not for zone-routed configs.
     */
    Map<String, HaproxyModel.ServiceModel> buildServices(
            DesiredState desired, Collection<String> names, RuntimeState runtime) {
        Map<String, Set<Integer>> reserved = new HashMap<>();
        Map<String, Map<String, Integer>> running = new HashMap<>();
        Map<String, HaproxyModel.ServiceModel> result = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (String name : names) {
            ServiceState service = desired.services().get(name);
            ServiceSettings settings = serviceSettings.settingsFor(service);
            if (settings.disabled()) {
                continue;
            }
            String backend = settings.backendName().orElse(name);
            Set<String> wanted = new HashSet<>();
            service.backends().forEach(b -> wanted.add(b.serverName()));
            for (RuntimeServer server : runtime.serversOf(backend).values()) {
                running.computeIfAbsent(backend, key -> new HashMap<>()).put(server.name(), server.id());
                remembered(backend).putIfAbsent(server.name(), server.id());
                if (!wanted.contains(server.name())) {
                    reserved.computeIfAbsent(backend, key -> new HashSet<>()).add(server.id());
                }
            }
            ModelBuilder.Context context = new ModelBuilder.Context(
                    this.settings,
                    rememberedIds,
                    reserved,
                    running,
                    build.prometheusExporter(),
                    build.version(),
                    warnings::add);
            HaproxyModel.ServiceModel model = ModelBuilder.service(context, service, settings);
            Map<String, Integer> ids = remembered(backend);
            for (ServerModel server : model.servers()) {
                ids.put(server.name(), server.id());
            }
            RememberedIds.trim(ids, model.servers().size());
            result.put(name, model);
        }
        logNew(warnings);
        return result;
    }

    /** A pass over some services logs the id warnings not logged yet; only a whole pass can tell one is gone. */
    private void logNew(List<String> warnings) {
        Set<String> logged = new LinkedHashSet<>(loggedWarnings);
        for (String warning : warnings) {
            if (logged.add(warning)) {
                LOG.warn(warning);
            }
        }
        loggedWarnings = logged;
    }

    /** Logs each id warning when it first appears, and once when all are gone (not on every pass). */
    private void logTransitions(List<String> warnings) {
        Set<String> now = new LinkedHashSet<>(warnings);
        for (String warning : now) {
            if (!loggedWarnings.contains(warning)) {
                LOG.warn(warning);
            }
        }
        if (now.isEmpty() && !loggedWarnings.isEmpty()) {
            LOG.info("every asked-for server id is honoured again");
        }
        loggedWarnings = now;
    }

    /** The model for {@code desired} without remembering anything (a preview). */
    HaproxyModel buildOnly(DesiredState desired, Optional<RuntimeState> runtime) {
        return build(desired, runtime, warning -> {});
    }

    private HaproxyModel build(DesiredState desired, Optional<RuntimeState> runtime, Consumer<String> warnings) {
        Map<String, Set<Integer>> reserved = new HashMap<>();
        Map<String, Map<String, Integer>> running = new HashMap<>();
        Set<String> wanted = new HashSet<>();
        desired.services().values().forEach(service -> service.backends().forEach(b -> wanted.add(b.serverName())));
        runtime.ifPresent(state -> state.servers().forEach((backend, servers) -> {
            for (RuntimeServer server : servers.values()) {
                running.computeIfAbsent(backend, key -> new HashMap<>()).put(server.name(), server.id());
                remembered(backend).putIfAbsent(server.name(), server.id());
                if (!wanted.contains(server.name())) {
                    reserved.computeIfAbsent(backend, key -> new HashSet<>()).add(server.id());
                }
            }
        }));
        ModelBuilder.Context context = new ModelBuilder.Context(
                settings, rememberedIds, reserved, running, build.prometheusExporter(), build.version(), warnings);
        return ModelBuilder.build(context, desired, serviceSettings.settingsFor(desired));
    }
}
