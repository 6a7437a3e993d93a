package io.smartstack.synapse.config;

import io.smartstack.synapse.model.ConfigGenerator;
import java.util.List;

/**
 * A configuration together with the generators its factories built from it (not started). Whoever
 * loads a config owns these generators and closes them, also when it never starts them.
 */
public record LoadedConfig(SynapseConfig config, List<ConfigGenerator> generators) {
    public LoadedConfig {
        generators = List.copyOf(generators);
    }

    /** Closes every generator (legal when none was started). */
    public void closeGenerators() {
        generators.forEach(ConfigGenerator::close);
    }
}
