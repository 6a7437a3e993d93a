package io.smartstack.synapse.selection;

import io.smartstack.synapse.model.Backend;
import java.util.Objects;

/**
 * One entry of {@code discovery.label_filters}: a backend passes when its label {@code label} equals
 * (or, with {@link Condition#NOT_EQUALS}, differs from) {@code value}. A missing label is not equal to
 * any value, as in the original.
 */
public record LabelFilter(String label, String value, Condition condition) {
    public enum Condition {
        EQUALS("equals"),
        NOT_EQUALS("not-equals");

        private final String configName;

        Condition(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Condition fromConfigName(String name) {
            for (Condition condition : values()) {
                if (condition.configName.equals(name)) {
                    return condition;
                }
            }
            throw new IllegalArgumentException("not a label filter condition: " + name);
        }
    }

    public LabelFilter {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(condition, "condition");
    }

    public boolean passes(Backend backend) {
        boolean equal = Objects.equals(backend.labels().get(label), value);
        return condition == Condition.EQUALS ? equal : !equal;
    }
}
