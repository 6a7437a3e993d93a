package io.smartstack.common.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects problems while a configuration is read, so that all of them are reported together, and the
 * warnings of a valid configuration: keys the originals accept that are read but changed (a HAProxy 1.x
 * section title rewritten) or that have no effect here. A warning never makes the configuration invalid.
 */
public final class ConfigProblems {
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    public void warn(ConfigProblem warning) {
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

    /** The warnings so far, in the order they were found, each once. */
    public List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }

    public void add(ConfigProblem problem) {
        problems.add(problem);
    }

    public void addAll(List<ConfigProblem> more) {
        problems.addAll(more);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<ConfigProblem> list() {
        return List.copyOf(problems);
    }

    /** Throws a {@link ConfigException} listing every problem collected so far, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
