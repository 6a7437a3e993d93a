package io.smartstack.common.config;

import java.util.ArrayList;
import java.util.List;

/** Collects problems while a configuration is read, so that all of them are reported together. */
public final class ConfigProblems {
    private final List<ConfigProblem> problems = new ArrayList<>();

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
