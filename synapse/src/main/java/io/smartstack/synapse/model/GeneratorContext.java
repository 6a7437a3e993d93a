package io.smartstack.synapse.model;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What the core hands every generator.
 *
 * @param metrics where the generator registers its meters (reloads, runtime commands, ...)
 */
public record GeneratorContext(MeterRegistry metrics) {
    public GeneratorContext {
        Objects.requireNonNull(metrics, "metrics");
    }
}
