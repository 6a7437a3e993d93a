package io.smartstack.synapse.config;

import io.smartstack.common.metrics.StatsdTarget;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated Synapse configuration, except the generators' own settings (each generator keeps those).
 *
 * @param services every service, sorted by name ({@code services} plus {@code service_conf_dir})
 * @param generatorNames the top-level keys naming generators, in file order
 * @param admin where the admin API listens
 * @param statsd where to push metrics, if anywhere
 * @param stateCache the state cache, if {@code haproxy.state_file_path} is set
 */
public record SynapseConfig(
        List<ServiceConfig> services,
        List<String> generatorNames,
        AdminConfig admin,
        Optional<StatsdTarget> statsd,
        Optional<StateCacheConfig> stateCache) {
    public SynapseConfig {
        services = List.copyOf(services);
        generatorNames = List.copyOf(generatorNames);
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(statsd, "statsd");
        Objects.requireNonNull(stateCache, "stateCache");
    }

    public Optional<ServiceConfig> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
