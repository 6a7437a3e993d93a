package io.smartstack.nerve.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.nerve.config.NerveConfigReader;
import io.smartstack.nerve.config.ServiceConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The services added through the admin API, validated like config entries. A name the config file
 * already uses is refused. Every change is followed by {@code onChange} (which applies the services),
 * called without holding this object's lock. Lost on restart.
 */
public final class DynamicServices {
    private final Supplier<Set<String>> configuredNames;
    private final Runnable onChange;
    private volatile Map<String, ServiceConfig> services = Map.of();

    /**
     * @param configuredNames the names of the services in the current config file
     * @param onChange applies the services again after a change
     */
    public DynamicServices(Supplier<Set<String>> configuredNames, Runnable onChange) {
        this.configuredNames = configuredNames;
        this.onChange = onChange;
    }

    /**
     * Adds (or replaces) a service, validated like a config entry.
     *
     * @return every problem found; empty when the service was applied
     */
    public List<ConfigProblem> add(String name, JsonNode body) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode node = ConfigDocument.of(body, "admin API service " + name).root(problems);
        ServiceConfig service = NerveConfigReader.readService(name, node, ServiceConfig.Origin.ADMIN_API);
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            node.problem("service name must be letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        if (configuredNames.get().contains(name)) {
            node.problem("service " + name + " comes from the config file; change it there");
        }
        if (!problems.isEmpty()) {
            return problems.list();
        }
        synchronized (this) {
            Map<String, ServiceConfig> changed = new LinkedHashMap<>(services);
            changed.put(name, service);
            services = Map.copyOf(changed);
        }
        onChange.run();
        return List.of();
    }

    /** Removes a dynamic service; false when there is no such dynamic service. */
    public boolean remove(String name) {
        synchronized (this) {
            if (!services.containsKey(name)) {
                return false;
            }
            Map<String, ServiceConfig> changed = new LinkedHashMap<>(services);
            changed.remove(name);
            services = Map.copyOf(changed);
        }
        onChange.run();
        return true;
    }

    /** The dynamic services now (an immutable snapshot). */
    public Map<String, ServiceConfig> all() {
        return services;
    }
}
