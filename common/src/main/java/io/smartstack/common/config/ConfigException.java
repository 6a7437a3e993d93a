package io.smartstack.common.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration has one or more problems; carries every problem found, not just the first. */
public final class ConfigException extends RuntimeException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public static ConfigException of(String source, String message) {
        return new ConfigException(List.of(new ConfigProblem("", message, source, 0, 0)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigProblem> problems) {
        String header =
                problems.size() == 1 ? "1 configuration problem:" : problems.size() + " configuration problems:";
        return problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n", header + "\n", ""));
    }
}
