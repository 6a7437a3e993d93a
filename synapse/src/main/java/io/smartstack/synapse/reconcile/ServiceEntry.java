package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.config.ServiceConfig;
import io.smartstack.synapse.discovery.DiscoverySnapshot;
import io.smartstack.synapse.discovery.RejectedRegistration;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ServiceState;
import io.smartstack.synapse.selection.BackendSelection;
import io.smartstack.synapse.selection.Selection;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The reconciler's mutable record of one service. Used only on the reconciler thread. */
final class ServiceEntry {
    private static final Logger log = LoggerFactory.getLogger(ServiceEntry.class);

    ServiceConfig config;
    List<Backend> current;
    Optional<DiscoverySnapshot> last = Optional.empty();
    Optional<Instant> lastChange = Optional.empty();
    /** Earliest observation time of a snapshot not yet applied, for the propagation metric. */
    Optional<Instant> pendingSince = Optional.empty();

    String selection = "waiting";
    /** The service's desired state as last built; rebuilt only when {@link #dirty}. */
    ServiceState built;

    boolean dirty = true;
    /** While Synapse starts, backends added are logged at DEBUG and summed up in one line. */
    boolean quiet;
    /** The registrations discovery saw but did not use, from the latest snapshot. */
    List<RejectedRegistration> rejected = List.of();

    ServiceEntry(ServiceConfig config, List<Backend> initial) {
        this.config = config;
        this.current = List.copyOf(initial);
    }

    String name() {
        return config.name();
    }

    /**
     * Records the latest rejected registrations; returns those not rejected (for the same reason) in the
     * previous snapshot, to be counted once.
     */
    List<RejectedRegistration> rejected(List<RejectedRegistration> latest) {
        Set<RejectedRegistration> before = Set.copyOf(rejected);
        rejected = List.copyOf(latest);
        return latest.stream().filter(r -> !before.contains(r)).toList();
    }

    void select(List<Backend> discovered, Instant now) {
        select(discovered, false, now);
    }

    /**
     * Runs backend selection on what discovery reports; logs one line per backend added or removed. When
     * every registration discovery saw was rejected, the service keeps its backends: a rejected
     * registration never empties a service.
     */
    void select(List<Backend> discovered, boolean someRejected, Instant now) {
        if (discovered.isEmpty() && someRejected && !current.isEmpty()) {
            if (!selection.equals("rejected_registrations")) {
                log.warn(
                        "service {}: every registration is rejected; keeping the {} current backends",
                        name(),
                        current.size());
            }
            selection = "rejected_registrations";
            return;
        }
        Selection result = BackendSelection.select(discovered, current, config.rules());
        String rule = result.reason().name().toLowerCase(Locale.ROOT);
        if (!rule.equals(selection) && result.reason() != Selection.Reason.DISCOVERED) {
            String using =
                    switch (result.reason()) {
                        case DEFAULT_SERVERS -> "the default servers";
                        case PREVIOUS_BACKENDS -> "the previous backends (" + current.size() + ")";
                        default -> "none (use_previous_backends is off)";
                    };
            if (config.discovery() instanceof DiscoveryConfig.Base) {
                log.info("service {}: using {}", name(), using);
            } else {
                log.warn("service {}: discovery reports no backends; using {}", name(), using);
            }
        }
        selection = rule;
        if (!result.changed()) {
            return;
        }
        Set<Backend.BackendKey> before = current.stream().map(Backend::key).collect(Collectors.toSet());
        Set<Backend.BackendKey> after =
                result.backends().stream().map(Backend::key).collect(Collectors.toSet());
        for (Backend backend : result.backends()) {
            if (!before.contains(backend.key())) {
                if (quiet) {
                    log.debug("service {}: backend added {} ({})", name(), backend.serverName(), origin(backend));
                } else {
                    log.info("service {}: backend added {} ({})", name(), backend.serverName(), origin(backend));
                }
            }
        }
        for (Backend backend : current) {
            if (!after.contains(backend.key())) {
                if (quiet) {
                    log.debug("service {}: backend removed {}", name(), backend.serverName());
                } else {
                    log.info("service {}: backend removed {}", name(), backend.serverName());
                }
            }
        }
        current = result.backends();
        dirty = true;
        lastChange = Optional.of(now);
    }

    /**
     * The registry has not answered yet: a registry that cannot be reached says nothing about the
     * backends, so the remembered ones (state file) stay; without any, the usual empty-result rules apply.
     */
    void startWithoutDiscovery(Instant now) {
        if (current.isEmpty()) {
            log.warn("service {}: no discovery result yet and nothing remembered", name());
            select(List.of(), now);
        } else {
            log.warn(
                    "service {}: no discovery result yet; starting with the {} remembered backends",
                    name(),
                    current.size());
            selection = "remembered";
        }
    }

    private static String origin(Backend backend) {
        return backend.origin().name().toLowerCase(Locale.ROOT);
    }
}
