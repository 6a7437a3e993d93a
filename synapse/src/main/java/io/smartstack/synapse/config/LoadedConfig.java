package io.smartstack.synapse.config;

import io.smartstack.synapse.model.ConfigGenerator;
import java.util.List;

/**
 * A configuration together with the generators its factories built from it (not started). Whoever
 * loads a config owns these generators and closes them, also when it never starts them.
 *
 * @param warnings one sentence per key that was accepted but changed or has no effect here (logged once
 *     when Synapse starts, printed by {@code validate})
 */
public record LoadedConfig(SynapseConfig config, List<ConfigGenerator> generators, List<String> warnings) {
    public LoadedConfig {
        generators = List.copyOf(generators);
        warnings = List.copyOf(warnings);
    }

    /** Closes every generator (legal when none was started). */
    public void closeGenerators() {
        generators.forEach(ConfigGenerator::close);
    }
}
