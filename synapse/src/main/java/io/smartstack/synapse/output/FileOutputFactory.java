package io.smartstack.synapse.output;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.ConfigGeneratorFactory;
import io.smartstack.synapse.model.GeneratorContext;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code file_output}: top-level {@code output_directory} (required); per service {@code disabled}
 * (default false) opts the service out.
 */
public final class FileOutputFactory implements ConfigGeneratorFactory {
    public static final String NAME = "file_output";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigGenerator create(
            ConfigNode section, Map<String, ConfigNode> serviceSections, GeneratorContext context) {
        String directory = section.requiredString("output_directory");
        section.finish();
        serviceSections.values().forEach(service -> {
            if (service.isMap()) {
                service.bool("disabled", false);
                service.finish();
            } else if (!service.isNull()) {
                service.problem("must be a map, e.g. {disabled: true}");
            }
        });
        return new FileOutputGenerator(Path.of(directory.isEmpty() ? "." : directory));
    }
}
