package io.smartstack.common.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration: where it is (key path, file, line and column when known) and
 * what is wrong, stated with the offending value.
 *
 * @param path key path in the document, e.g. {@code services.web.checks[0].timeout}; empty for the
 *     document itself
 * @param message the condition that failed, including the bad value
 * @param source the file (or other source name) the value came from; may be empty
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 */
public record ConfigProblem(String path, String message, String source, int line, int column) {
    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (!path.isEmpty()) {
            text.append(path).append(": ");
        }
        text.append(message);
        if (!source.isEmpty() || line > 0) {
            text.append(" (").append(source);
            if (line > 0) {
                text.append(source.isEmpty() ? "line " : ", line ").append(line);
                if (column > 0) {
                    text.append(", column ").append(column);
                }
            }
            text.append(')');
        }
        return text.toString();
    }
}
