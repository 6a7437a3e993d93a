package io.smartstack.synapse.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One backend server of a service, as backend selection decided it.
 *
 * @param host address to connect to
 * @param port port to connect to (after {@code backend_port_override})
 * @param name registration name (Nerve's instance id); may be null
 * @param id server id from the registry (the znode's sequence number), if any
 * @param weight weight from the registration, if any (used with {@code use_nerve_weights})
 * @param haproxyServerOptions extra server-line options from the registration, if any
 * @param labels registration labels, empty if none
 * @param origin where this backend came from
 * @param haproxyServerId the HAProxy server id asked for ({@code haproxy_server_id} of a default server
 *     or of an entry in the state file), if any
 */
public record Backend(
        String host,
        int port,
        String name,
        OptionalLong id,
        OptionalInt weight,
        Optional<String> haproxyServerOptions,
        Map<String, String> labels,
        BackendOrigin origin,
        OptionalInt haproxyServerId) {

    public Backend {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(haproxyServerId, "haproxyServerId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(haproxyServerOptions, "haproxyServerOptions");
        Objects.requireNonNull(origin, "origin");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A backend that asks for no particular HAProxy server id. */
    public Backend(
            String host,
            int port,
            String name,
            OptionalLong id,
            OptionalInt weight,
            Optional<String> haproxyServerOptions,
            Map<String, String> labels,
            BackendOrigin origin) {
        this(host, port, name, id, weight, haproxyServerOptions, labels, origin, OptionalInt.empty());
    }

    /** A backend as the registry announced it (origin {@link BackendOrigin#REGISTRY}). */
    public static Backend registered(io.smartstack.common.registration.Registration registration, OptionalLong id) {
        return new Backend(
                registration.host(),
                registration.port(),
                registration.name(),
                id,
                registration.weight(),
                registration.haproxyServerOptions(),
                registration.labels(),
                BackendOrigin.REGISTRY);
    }

    /** The identity used for de-duplication and for matching across updates: (host, port, name). */
    public BackendKey key() {
        return new BackendKey(host, port, name);
    }

    /** The HAProxy server name, as the original: {@code <name>_<host>:<port>}, or {@code <host>:<port>} without a name. */
    public String serverName() {
        return name == null || name.isEmpty() ? host + ":" + port : name + "_" + host + ":" + port;
    }

    public Backend withOrigin(BackendOrigin newOrigin) {
        return new Backend(host, port, name, id, weight, haproxyServerOptions, labels, newOrigin, haproxyServerId);
    }

    public Backend withPort(int newPort) {
        return new Backend(host, newPort, name, id, weight, haproxyServerOptions, labels, origin, haproxyServerId);
    }

    public Backend withHaproxyServerId(int serverId) {
        return new Backend(
                host, port, name, id, weight, haproxyServerOptions, labels, origin, OptionalInt.of(serverId));
    }

    /** (host, port, name): two backends with the same key are the same server. */
    public record BackendKey(String host, int port, String name) {}
}
