package io.smartstack.synapse.model;

import io.smartstack.common.config.ConfigNode;
import java.util.Map;

/**
 * Makes a {@link ConfigGenerator} from its section of the Synapse config. Implementations are found
 * with {@link java.util.ServiceLoader} (listed in {@code META-INF/services}), so a generator is added
 * without touching the core. Every top-level key of a Synapse config other than {@code services},
 * {@code service_conf_dir}, {@code statsd} and {@code admin} names a generator, as in the original.
 */
public interface ConfigGeneratorFactory {
    /** The top-level key this factory reads: {@code haproxy}, {@code file_output}. */
    String name();

    /**
     * Reads and validates the generator's top-level section and every service's section for it,
     * recording each problem on the nodes (never throwing for bad input). Does no I/O.
     *
     * @param section the top-level section, e.g. the value of {@code haproxy}
     * @param serviceSections service name to that service's section for this generator (only services
     *     that have one)
     */
    ConfigGenerator create(ConfigNode section, Map<String, ConfigNode> serviceSections, GeneratorContext context);
}
