package io.smartstack.synapse.haproxy.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One service's {@code haproxy} section, validated.
 *
 * @param disabled leave the service out of HAProxy entirely
 * @param frontend whether a frontend is written: {@code port} present (possibly null)
 * @param port the frontend port; empty with {@code frontend} true binds without a port (e.g. a unix socket)
 * @param bindAddress frontend bind address, overriding the global one
 * @param bindOptions appended to the bind line
 * @param serverOptions appended to every server line; %{host} %{port} %{name} are replaced
 * @param frontendLines lines of the frontend (with the frontend part of {@code listen})
 * @param backendLines lines of the backend (with the backend part of {@code listen})
 * @param backendName the backend's name (default: the service name)
 * @param order order of server lines
 * @param sharedFrontend lines added to the shared frontend
 * @param cookieValueMethod what the cookie of a server line is
 * @param useNerveWeights take the registrations' weights for this service (where the original's README
 *     documents the key), as the top-level {@code use_nerve_weights} does for every service
 */
public record ServiceSettings(
        boolean disabled,
        boolean frontend,
        OptionalInt port,
        Optional<String> bindAddress,
        Optional<String> bindOptions,
        Optional<String> serverOptions,
        List<String> frontendLines,
        List<String> backendLines,
        Optional<String> backendName,
        BackendOrder order,
        List<String> sharedFrontend,
        CookieValueMethod cookieValueMethod,
        boolean useNerveWeights) {

    public ServiceSettings {
        frontendLines = List.copyOf(frontendLines);
        backendLines = List.copyOf(backendLines);
        sharedFrontend = List.copyOf(sharedFrontend);
    }

    /** Order of server lines in a backend. */
    public enum BackendOrder {
        ASC,
        DESC,
        NO_SHUFFLE,
        /** Seeded shuffle with {@code server_order_seed} (the original's default). */
        SHUFFLE
    }

    /** The value of a server's cookie. */
    public enum CookieValueMethod {
        NAME,
        HASH
    }
}
