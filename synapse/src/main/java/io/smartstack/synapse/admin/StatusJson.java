package io.smartstack.synapse.admin;

import io.smartstack.synapse.discovery.RejectedRegistration;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.reconcile.SynapseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code GET /status} document: each service with its backends and where each came from, the
 * generators' views merged in, last change, registry connection states.
 *
 * <p>Merging: a generator whose {@code status()} is a map with a {@code services} map contributes
 * {@code services.<service>} as the service's {@code <generator>} field, and, when that holds
 * {@code servers} (a map keyed by server name {@code <name>_<host>:<port>}, or a list of maps whose
 * {@code name} is the server name, as the haproxy generator's), each entry as the matching backend's
 * {@code <generator>} field. The rest of its status appears under {@code generators.<name>}.
 */
public final class StatusJson {
    private StatusJson() {}

    /**
     * Why Synapse is not ready ({@code GET /healthz} answers 503 while this is not empty): the startup
     * wait, then each generator's {@code notReady} sentences prefixed by the generator's name.
     */
    public static List<String> notReady(SynapseStatus status, Map<String, Object> generators) {
        List<String> reasons = new ArrayList<>();
        if (!status.ready()) {
            reasons.add("waiting for the first state of every service (startup wait)");
        }
        generators.forEach((name, view) -> {
            if (view instanceof Map<?, ?> map && map.get("notReady") instanceof List<?> problems) {
                problems.forEach(problem -> reasons.add(name + ": " + problem));
            }
        });
        return reasons;
    }

    public static Map<String, Object> build(SynapseStatus status, Map<String, Object> generators) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("ready", status.ready());
        root.put("not_ready", notReady(status, generators));
        root.put("started_at", status.startedAt().toString());
        root.put("last_change", text(status.lastChange()));
        root.put("last_apply", text(status.lastApply()));
        root.put("applies", status.applies());
        Map<String, Object> registries = new LinkedHashMap<>();
        status.registries()
                .forEach((name, registry) -> registries.put(
                        name,
                        Map.of(
                                "state",
                                registry.state(),
                                "since",
                                registry.since().toString())));
        root.put("registries", registries);
        List<Object> services = new ArrayList<>();
        for (SynapseStatus.ServiceStatus service : status.services()) {
            services.add(service(service, generators));
        }
        root.put("services", services);
        Map<String, Object> generatorViews = new LinkedHashMap<>();
        generators.forEach((name, view) -> {
            if (view instanceof Map<?, ?> map && map.get("services") instanceof Map<?, ?>) {
                Map<Object, Object> rest = new LinkedHashMap<>(map);
                rest.remove("services");
                generatorViews.put(name, rest);
            } else {
                generatorViews.put(name, view);
            }
        });
        root.put("generators", generatorViews);
        return root;
    }

    private static Map<String, Object> service(SynapseStatus.ServiceStatus service, Map<String, Object> generators) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", service.name());
        node.put("discovery", service.discovery());
        node.put("selection", service.selection());
        node.put("last_change", text(service.lastChange()));
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (BackendOrigin origin : BackendOrigin.values()) {
            counts.put(origin(origin), 0);
        }
        service.backends().forEach(b -> counts.merge(origin(b.origin()), 1, Integer::sum));
        node.put("counts", counts);
        Map<String, Map<?, ?>> views = new LinkedHashMap<>();
        generators.forEach((name, view) -> serviceView(view, service.name()).ifPresent(v -> views.put(name, v)));
        List<Object> backends = new ArrayList<>();
        for (Backend backend : service.backends()) {
            Map<String, Object> entry = backend(backend);
            views.forEach((name, view) ->
                    serverView(view.get("servers"), backend.serverName()).ifPresent(server -> entry.put(name, server)));
            backends.add(entry);
        }
        node.put("backends", backends);
        List<Object> rejected = new ArrayList<>();
        service.rejected().forEach(r -> rejected.add(rejected(r)));
        views.values().forEach(view -> {
            if (view.get("rejected") instanceof List<?> refusedByGenerator) {
                rejected.addAll(refusedByGenerator);
            }
        });
        node.put("rejected", rejected);
        views.forEach(node::put);
        return node;
    }

    private static Map<String, Object> rejected(RejectedRegistration rejected) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("path", rejected.path());
        entry.put("reason", rejected.reason());
        entry.put("detail", rejected.detail());
        return entry;
    }

    /** The entry for {@code serverName} in a {@code servers} map keyed by server name, or list of maps with a {@code name}. */
    private static Optional<Object> serverView(Object servers, String serverName) {
        if (servers instanceof Map<?, ?> byName) {
            return Optional.ofNullable(byName.get(serverName));
        }
        if (servers instanceof List<?> list) {
            return list.stream()
                    .filter(server -> server instanceof Map<?, ?> map && serverName.equals(map.get("name")))
                    .findFirst()
                    .map(server -> (Object) server);
        }
        return Optional.empty();
    }

    private static Optional<Map<?, ?>> serviceView(Object generatorStatus, String service) {
        if (generatorStatus instanceof Map<?, ?> map
                && map.get("services") instanceof Map<?, ?> services
                && services.get(service) instanceof Map<?, ?> view) {
            return Optional.of(view);
        }
        return Optional.empty();
    }

    static Map<String, Object> backend(Backend backend) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", backend.name());
        node.put("host", backend.host());
        node.put("port", backend.port());
        node.put("server_name", backend.serverName());
        node.put("id", backend.id().isPresent() ? backend.id().getAsLong() : null);
        node.put("weight", backend.weight().isPresent() ? backend.weight().getAsInt() : null);
        node.put("haproxy_server_options", backend.haproxyServerOptions().orElse(null));
        node.put("labels", new java.util.TreeMap<>(backend.labels()));
        node.put("origin", origin(backend.origin()));
        return node;
    }

    static String origin(BackendOrigin origin) {
        return origin.name().toLowerCase(Locale.ROOT);
    }

    private static String text(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }
}
