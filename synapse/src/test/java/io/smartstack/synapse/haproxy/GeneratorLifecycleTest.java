package io.smartstack.synapse.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.ConfigGeneratorFactory;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.GeneratorContext;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The four lifecycle rules, the ServiceLoader registration, and validation at creation. */
class GeneratorLifecycleTest {
    private static final String CONFIG = "haproxy: {global: [], defaults: [], do_writes: false, do_socket: false,"
            + " do_reloads: false, stats_port: null}";

    private static ConfigGenerator generator(String yaml, ConfigProblems problems) {
        ConfigNode root = ConfigDocument.parse(yaml, "t").root(problems);
        return new HaproxyGeneratorFactory()
                .create(
                        root.child("haproxy"),
                        Map.of("web", root.child("web")),
                        new GeneratorContext(new SimpleMeterRegistry()));
    }

    @Test
    void theFactoryIsFoundByServiceLoaderUnderTheNameHaproxy() {
        assertTrue(ServiceLoader.load(ConfigGeneratorFactory.class).stream()
                .anyMatch(provider -> provider.get().name().equals("haproxy")));
    }

    @Test
    void startingTwiceFails() throws Exception {
        try (ConfigGenerator generator = generator(CONFIG, new ConfigProblems())) {
            generator.start();
            assertThrows(IllegalStateException.class, generator::start);
        }
    }

    @Test
    void closeIsIdempotentAndLegalBeforeStart() {
        ConfigGenerator generator = generator(CONFIG, new ConfigProblems());
        generator.close();
        generator.close();
        assertThrows(IllegalStateException.class, generator::start);
    }

    @Test
    void applyBeforeStartFailsButPreviewWorks() {
        ConfigGenerator generator = generator(CONFIG, new ConfigProblems());
        assertThrows(IllegalStateException.class, () -> generator.apply(DesiredState.of(List.of())));
        assertTrue(generator.preview(DesiredState.of(List.of())).orElseThrow().startsWith("global\n"));
    }

    @Test
    void problemsOfTheTopSectionAndOfServiceSectionsAreCollectedAtCreation() {
        ConfigProblems problems = new ConfigProblems();
        generator("haproxy: {defaults: [], do_writes: maybe}\nweb: {port: x, bogus: 1}", problems);

        List<String> messages = problems.list().stream().map(Object::toString).toList();
        assertEquals(6, messages.size(), messages.toString());
    }
}
