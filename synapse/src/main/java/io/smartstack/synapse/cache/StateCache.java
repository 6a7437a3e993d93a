package io.smartstack.synapse.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smartstack.common.file.AtomicFile;
import io.smartstack.synapse.config.StateCacheConfig;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers, per service, the backends last routed to and every registry backend seen within the TTL,
 * in a file ({@code haproxy.state_file_path}) written atomically. After a restart the remembered lists
 * are the starting point, so a registry outage at startup does not empty any service; backends seen
 * recently but gone from the registry are offered back with origin {@code STATE_CACHE} (rendered in
 * maintenance) so they can return without a reload. Used only from the reconciler thread.
 */
public final class StateCache {
    private static final Logger log = LoggerFactory.getLogger(StateCache.class);

    private final StateCacheConfig config;
    private final Map<String, List<Backend>> routed = new TreeMap<>();
    private final Map<String, Map<Backend.BackendKey, Seen>> seen = new TreeMap<>();
    private boolean failing;

    /** A backend and when it was last seen in the registry. */
    record Seen(Backend backend, Instant lastSeen) {}

    private StateCache(StateCacheConfig config) {
        this.config = config;
    }

    /** Reads the file; a missing file is an empty cache, an unreadable one is ignored with a warning. */
    public static StateCache load(StateCacheConfig config) {
        StateCache cache = new StateCache(config);
        try {
            JsonNode root = BackendJson.JSON.readTree(Files.readAllBytes(config.path()));
            if (root == null || root.isMissingNode() || root.isNull()) {
                log.info("state cache {} is empty; starting empty", config.path());
            } else if (isOwnFormat(root)) {
                root.path("services")
                        .fields()
                        .forEachRemaining(entry -> cache.readService(entry.getKey(), entry.getValue()));
                log.info("state cache {}: remembered backends of {} services", config.path(), cache.routed.size());
            } else if (OriginalStateFile.matches(root)) {
                OriginalStateFile.read(config.path(), root).forEach((service, entries) -> {
                    Map<Backend.BackendKey, Seen> seenOfService = new LinkedHashMap<>();
                    entries.forEach(entry -> seenOfService.put(entry.backend().key(), entry));
                    cache.seen.put(service, seenOfService);
                });
            } else {
                log.warn(
                        "state cache {} is neither in Synapse's format (an object with only \"services\") nor in the"
                                + " original Synapse's (service -> server name -> backend with timestamp);"
                                + " starting empty",
                        config.path());
            }
        } catch (NoSuchFileException e) {
            log.info("state cache {} does not exist yet; starting empty", config.path());
        } catch (IOException | RuntimeException e) {
            log.warn("state cache {} is unreadable, starting empty: {}", config.path(), e.toString());
            cache.routed.clear();
            cache.seen.clear();
        }
        return cache;
    }

    /** Synapse's own format: an object with only a {@code services} object of {backends, seen} objects. */
    private static boolean isOwnFormat(JsonNode root) {
        if (!root.isObject()) {
            return false;
        }
        if (root.isEmpty()) {
            return true;
        }
        JsonNode services = root.get("services");
        if (root.size() != 1 || services == null || !services.isObject()) {
            return false;
        }
        for (JsonNode service : services) {
            if (!service.isObject() || !service.path("backends").isArray()) {
                return false;
            }
        }
        return true;
    }

    private void readService(String service, JsonNode node) {
        List<Backend> backends = new ArrayList<>();
        for (JsonNode backend : node.path("backends")) {
            backends.add(BackendJson.read(
                    backend, BackendOrigin.valueOf(backend.path("origin").asText("REGISTRY"))));
        }
        routed.put(service, List.copyOf(backends));
        Map<Backend.BackendKey, Seen> entries = new LinkedHashMap<>();
        for (JsonNode entry : node.path("seen")) {
            Backend backend = BackendJson.read(entry, BackendOrigin.STATE_CACHE);
            entries.put(
                    backend.key(),
                    new Seen(backend, Instant.parse(entry.path("last_seen").asText())));
        }
        seen.put(service, entries);
    }

    /** The backends last routed to for {@code service}, as remembered; empty if unknown. */
    public List<Backend> routed(String service) {
        return routed.getOrDefault(service, List.of());
    }

    /**
     * The remembered list as a starting point after a restart: backends that came from the registry are
     * marked {@code PREVIOUS_BACKENDS} (the registry has not confirmed them yet).
     */
    public List<Backend> remembered(String service) {
        return routed(service).stream()
                .map(b -> b.origin() == BackendOrigin.REGISTRY ? b.withOrigin(BackendOrigin.PREVIOUS_BACKENDS) : b)
                .toList();
    }

    /**
     * Records what {@code service} routes to now. A registry backend that is new or changed counts as
     * seen at {@code now}, and so does one that has just left the list; the others keep their time
     * until {@link #touch}, so an unchanged service does not rewrite the file on every event.
     */
    public void record(String service, List<Backend> backends, Instant now) {
        Map<Backend.BackendKey, Seen> entries = seen.computeIfAbsent(service, s -> new LinkedHashMap<>());
        Set<Backend.BackendKey> keys = backends.stream().map(Backend::key).collect(Collectors.toSet());
        for (Backend gone : routed.getOrDefault(service, List.of())) {
            if (gone.origin() == BackendOrigin.REGISTRY && !keys.contains(gone.key())) {
                entries.computeIfPresent(gone.key(), (key, entry) -> new Seen(entry.backend(), now));
            }
        }
        for (Backend backend : backends) {
            Seen existing = entries.get(backend.key());
            Backend cached = keepServerId(backend.withOrigin(BackendOrigin.STATE_CACHE), existing);
            if (backend.origin() == BackendOrigin.REGISTRY
                    && (existing == null || !existing.backend().equals(cached))) {
                entries.put(backend.key(), new Seen(cached, now));
            }
        }
        routed.put(service, List.copyOf(backends));
        entries.values().removeIf(entry -> expired(entry, now));
    }

    /** Marks every registry backend currently routed to as seen at {@code now} (called periodically). */
    public void touch(Instant now) {
        routed.forEach((service, backends) -> {
            Map<Backend.BackendKey, Seen> entries = seen.computeIfAbsent(service, s -> new LinkedHashMap<>());
            backends.stream()
                    .filter(b -> b.origin() == BackendOrigin.REGISTRY)
                    .forEach(b -> entries.put(
                            b.key(),
                            new Seen(
                                    keepServerId(b.withOrigin(BackendOrigin.STATE_CACHE), entries.get(b.key())), now)));
        });
    }

    /** Backends of {@code service} seen within the TTL that are not among {@code present}, origin STATE_CACHE. */
    public List<Backend> absent(String service, Collection<Backend> present, Instant now) {
        Set<Backend.BackendKey> keys = present.stream().map(Backend::key).collect(Collectors.toSet());
        return seen.getOrDefault(service, Map.of()).values().stream()
                .filter(entry ->
                        !expired(entry, now) && !keys.contains(entry.backend().key()))
                .map(Seen::backend)
                .toList();
    }

    /**
     * The backends with the HAProxy server id remembered for them (from an original Synapse's state file,
     * or a default server's {@code haproxy_server_id}) where they ask for none themselves.
     */
    public List<Backend> withServerIds(String service, List<Backend> backends) {
        Map<Backend.BackendKey, Seen> entries = seen.getOrDefault(service, Map.of());
        return backends.stream().map(b -> keepServerId(b, entries.get(b.key()))).toList();
    }

    private static Backend keepServerId(Backend backend, Seen existing) {
        if (backend.haproxyServerId().isPresent()
                || existing == null
                || existing.backend().haproxyServerId().isEmpty()) {
            return backend;
        }
        return backend.withHaproxyServerId(existing.backend().haproxyServerId().getAsInt());
    }

    /** Forgets services that are no longer configured. */
    public void retain(Set<String> services) {
        routed.keySet().retainAll(services);
        seen.keySet().retainAll(services);
    }

    /** Writes the file if its content changed; a failure is logged once per failure period, never thrown. */
    public void save() {
        ObjectNode root = BackendJson.JSON.createObjectNode();
        ObjectNode services = root.putObject("services");
        for (Map.Entry<String, List<Backend>> entry : routed.entrySet()) {
            ObjectNode service = services.putObject(entry.getKey());
            ArrayNode backends = service.putArray("backends");
            entry.getValue()
                    .forEach(b -> backends.add(
                            BackendJson.write(b).put("origin", b.origin().name())));
            ArrayNode seenNode = service.putArray("seen");
            seen.getOrDefault(entry.getKey(), Map.of())
                    .values()
                    .forEach(s -> seenNode.add(BackendJson.write(s.backend())
                            .put("last_seen", s.lastSeen().toString())));
        }
        try {
            AtomicFile.writeIfChanged(
                    config.path(),
                    BackendJson.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root));
            if (failing) {
                failing = false;
                log.info("state cache {} written again", config.path());
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                log.warn("cannot write state cache {}: {}", config.path(), e.toString());
            }
        }
    }

    public Duration ttl() {
        return config.ttl();
    }

    private boolean expired(Seen entry, Instant now) {
        return entry.lastSeen().plus(config.ttl()).isBefore(now);
    }
}
