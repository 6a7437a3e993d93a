package io.smartstack.synapse.haproxy.render;

import java.util.List;
import java.util.Optional;

/**
 * Everything a haproxy.cfg says, before it is text: what the template renders and what the planner
 * compares with the running HAProxy. Immutable.
 *
 * @param global lines of {@code global}, the user's then the ones Synapse adds
 * @param defaults lines of {@code defaults}, likewise
 * @param extraSections verbatim sections (the user's {@code extra_sections}, then the status page)
 * @param services one entry per service, in name order
 * @param sharedFrontend lines of {@code frontend shared-frontend}, if configured
 */
public record HaproxyModel(
        List<String> global,
        List<String> defaults,
        List<Section> extraSections,
        List<ServiceModel> services,
        Optional<List<String>> sharedFrontend) {

    public HaproxyModel {
        global = List.copyOf(global);
        defaults = List.copyOf(defaults);
        extraSections = List.copyOf(extraSections);
        services = List.copyOf(services);
    }

    public Optional<ServiceModel> serviceByBackend(String backendName) {
        return services.stream()
                .filter(service -> service.backendName().equals(backendName))
                .findFirst();
    }

    /** A section written verbatim: its title line and its lines. */
    public record Section(String title, List<String> lines) {
        public Section {
            lines = List.copyOf(lines);
        }
    }

    /**
     * One service: an optional frontend and its backend.
     *
     * @param acceptsDynamicServers whether the backend's balance algorithm allows {@code add server}
     */
    public record ServiceModel(
            String name,
            Optional<Frontend> frontend,
            String backendName,
            List<String> backendLines,
            List<ServerModel> servers,
            boolean acceptsDynamicServers) {
        public ServiceModel {
            backendLines = List.copyOf(backendLines);
            servers = List.copyOf(servers);
        }
    }

    /** A frontend: its own lines, then {@code bind <bind>} and {@code default_backend}. */
    public record Frontend(List<String> lines, String bind) {
        public Frontend {
            lines = List.copyOf(lines);
        }
    }
}
