package io.smartstack.synapse.haproxy.render;

import java.util.regex.Pattern;

/**
 * The words of an HAProxy config line, with one compiled pattern: {@code String.split("\\s+")} and
 * {@code replaceAll("\\s+", " ")} compile theirs on every call, and these run for each server and
 * service a pass builds.
 */
public final class Words {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Words() {}

    /** The words of {@code line}, leading and trailing whitespace ignored; {@code [""]} for a blank line. */
    public static String[] of(String line) {
        return WHITESPACE.split(line.trim());
    }

    /** {@code line} trimmed, each run of whitespace in it one space. */
    public static String normalized(String line) {
        String trimmed = line.trim();
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c != ' ' && Character.isWhitespace(c)
                    || c == ' ' && i + 1 < trimmed.length() && Character.isWhitespace(trimmed.charAt(i + 1))) {
                return WHITESPACE.matcher(trimmed).replaceAll(" ");
            }
        }
        return trimmed;
    }
}
