package io.smartstack.synapse.haproxy;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.ServiceSettingsReader;
import io.smartstack.synapse.haproxy.config.SettingsReader;
import io.smartstack.synapse.haproxy.render.HaproxyConfigRenderer;
import io.smartstack.synapse.haproxy.runtime.StatsSockets;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.ConfigGeneratorFactory;
import io.smartstack.synapse.model.GeneratorContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Makes the {@code haproxy} generator; found through {@link java.util.ServiceLoader}. */
public final class HaproxyGeneratorFactory implements ConfigGeneratorFactory {
    private static final Duration RUNTIME_READ_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public ConfigGenerator create(
            ConfigNode section, Map<String, ConfigNode> serviceSections, GeneratorContext context) {
        HaproxySettings settings = SettingsReader.read(section);
        serviceSections.values().forEach(ServiceSettingsReader::read);
        HaproxyConfigRenderer renderer = HaproxyConfigRenderer.withDefaultTemplate();
        if (settings.templatePath().isPresent()) {
            try {
                renderer =
                        HaproxyConfigRenderer.fromFile(settings.templatePath().get());
            } catch (IllegalArgumentException e) {
                section.problemAt("template_path", e.getMessage());
            }
        }
        List<Path> sockets = settings.runtime().doSocket() ? settings.runtime().socketFiles() : List.of();
        return new HaproxyGenerator(
                settings,
                renderer,
                new HaproxyMetrics(context.metrics()),
                Clock.systemUTC(),
                new StatsSockets(sockets, RUNTIME_READ_TIMEOUT));
    }
}
