package io.smartstack.synapse.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigException;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.synapse.fakes.StandInHaproxyFactory;
import io.smartstack.synapse.model.GeneratorContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Loads configs from text for tests, with the installed generators plus a haproxy stand-in if needed. */
final class ConfigTesting {
    private ConfigTesting() {}

    static SynapseConfigLoader loader() {
        return new SynapseConfigLoader(
                StandInHaproxyFactory.factoriesWithHaproxy(), EnvironmentSubstitution.of(Map.of()));
    }

    static LoadedConfig load(String yaml) {
        return loader().read(ConfigDocument.parse(yaml, "test.yaml"), new GeneratorContext(new SimpleMeterRegistry()));
    }

    static List<ConfigProblem> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).problems();
    }

    static void assertProblem(List<ConfigProblem> problems, String path, String messagePart) {
        assertTrue(
                problems.stream()
                        .anyMatch(p -> p.path().equals(path) && p.message().contains(messagePart)),
                () -> "expected a problem at " + path + " containing '" + messagePart + "', got:\n"
                        + problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    }
}
