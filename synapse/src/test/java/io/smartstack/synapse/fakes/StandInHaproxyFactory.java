package io.smartstack.synapse.fakes;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.ConfigGeneratorFactory;
import io.smartstack.synapse.model.GeneratorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Used only when no {@code haproxy} generator is installed: accepts any {@code haproxy} section, so the
 * core's own reading of an original config can be tested on its own. When the real haproxy generator
 * is on the class path, {@link #factoriesWithHaproxy()} returns the installed factories unchanged.
 */
public final class StandInHaproxyFactory implements ConfigGeneratorFactory {
    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public ConfigGenerator create(
            ConfigNode section, Map<String, ConfigNode> serviceSections, GeneratorContext context) {
        section.keys().forEach(section::accept);
        return RecordingGenerator.create("haproxy", "stand-in-haproxy");
    }

    public static List<ConfigGeneratorFactory> factoriesWithHaproxy() {
        List<ConfigGeneratorFactory> factories = new ArrayList<>(SynapseConfigLoader.installedFactories());
        if (factories.stream().noneMatch(f -> f.name().equals("haproxy"))) {
            factories.add(new StandInHaproxyFactory());
        }
        return factories;
    }
}
