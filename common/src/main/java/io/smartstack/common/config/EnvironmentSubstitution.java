package io.smartstack.common.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in string values, so secrets such as Redis and
 * RabbitMQ passwords can come from the environment instead of the file. {@code $${...}} is a literal
 * {@code ${...}}. An unset variable without a default is a configuration problem.
 */
public final class EnvironmentSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$(\\$?)\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Function<String, String> environment;

    private EnvironmentSubstitution(Function<String, String> environment) {
        this.environment = environment;
    }

    public static EnvironmentSubstitution system() {
        return new EnvironmentSubstitution(System::getenv);
    }

    public static EnvironmentSubstitution of(Map<String, String> variables) {
        return new EnvironmentSubstitution(variables::get);
    }

    /**
     * Substitutes every reference in {@code value}.
     *
     * @return the substituted text, or empty with the name of the first unset variable in {@code missing}
     */
    public Result apply(String value) {
        if (value.indexOf('$') < 0) {
            return new Result(value, Optional.empty());
        }
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (!matcher.group(1).isEmpty()) {
                replacement = matcher.group().substring(1);
            } else {
                String name = matcher.group(2);
                String found = environment.apply(name);
                if (found == null) {
                    found = matcher.group(3);
                }
                if (found == null) {
                    return new Result(value, Optional.of(name));
                }
                replacement = found;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return new Result(out.toString(), Optional.empty());
    }

    /** The substituted value, or the name of a variable that is not set. */
    public record Result(String value, Optional<String> missingVariable) {}
}
