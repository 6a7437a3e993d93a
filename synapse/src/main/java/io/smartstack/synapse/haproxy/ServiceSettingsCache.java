package io.smartstack.synapse.haproxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.config.ServiceSettings;
import io.smartstack.synapse.haproxy.config.ServiceSettingsReader;
import io.smartstack.synapse.haproxy.render.ModelBuilder;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each service's {@code haproxy} section, parsed once per distinct value. A section with problems
 * (possible when it comes from the registry's generator config) is logged once and the service keeps
 * its last valid settings (or the defaults).
 */
final class ServiceSettingsCache {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceSettingsCache.class);
    private final Map<String, JsonNode> lastSeen = new HashMap<>();
    private final Map<String, ServiceSettings> valid = new HashMap<>();

    Map<String, ServiceSettings> settingsFor(DesiredState desired) {
        Map<String, ServiceSettings> result = new LinkedHashMap<>();
        for (ServiceState service : desired.services().values()) {
            result.put(service.name(), settingsFor(service));
        }
        return result;
    }

    /** The settings of one service (parsed when its section changed). */
    ServiceSettings settingsFor(ServiceState service) {
        JsonNode section = service.generatorConfig().get("haproxy");
        if (section != null && !section.equals(lastSeen.get(service.name()))) {
            lastSeen.put(service.name(), section);
            ConfigProblems problems = new ConfigProblems();
            ServiceSettings parsed =
                    ServiceSettingsReader.read(ConfigDocument.of(section, "services." + service.name() + ".haproxy")
                            .root(problems));
            if (problems.isEmpty()) {
                valid.put(service.name(), parsed);
            } else {
                LOG.warn(
                        "haproxy section of service {} has problems, keeping its last valid settings: {}",
                        service.name(),
                        problems.list());
            }
        }
        return valid.getOrDefault(service.name(), ModelBuilder.Defaults.SERVICE);
    }
}
