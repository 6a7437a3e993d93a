package io.smartstack.synapse.fakes;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.ConfigGeneratorFactory;
import io.smartstack.synapse.model.GeneratorContext;
import java.util.Map;

/**
 * The {@code recording} generator, installed only in tests (src/test/resources/META-INF/services).
 * Top-level keys: {@code id} (required: tests find the generator by it). Per service: {@code note}.
 */
public final class RecordingGeneratorFactory implements ConfigGeneratorFactory {
    public static final String NAME = "recording";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigGenerator create(
            ConfigNode section, Map<String, ConfigNode> serviceSections, GeneratorContext context) {
        String id = section.requiredString("id");
        section.finish();
        serviceSections.values().forEach(service -> {
            service.optionalString("note");
            service.finish();
        });
        return new RecordingGenerator(NAME, id);
    }
}
