package io.smartstack.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The migration report of {@code validate}: for each key in a file whose behaviour here differs from the
 * original SmartStack's, one line naming the key and the difference. The differences are a table of key
 * patterns (the documented differences); this applies them to one file's tree. Pure.
 */
public final class MigrationNotes {
    private MigrationNotes() {}

    /**
     * One documented difference.
     *
     * @param pattern a key path: {@code *} stands for any map key (a service name), {@code []} for any list
     *     element, e.g. {@code services.*.checks[].ssl}
     * @param applies whether the value at a matching key shows the difference (e.g. {@code ssl} is true)
     * @param description what is different, one sentence
     */
    public record Difference(String pattern, Predicate<JsonNode> applies, String description) {
        public static Difference of(String pattern, String description) {
            return new Difference(pattern, value -> true, description);
        }

        public static Difference when(String pattern, Predicate<JsonNode> applies, String description) {
            return new Difference(pattern, applies, description);
        }
    }

    /** One line per key of {@code root} that a difference applies to, in document order. */
    public static List<String> apply(JsonNode root, List<Difference> differences) {
        List<String> lines = new ArrayList<>();
        walk(root, new ArrayList<>(), "", differences, lines);
        return List.copyOf(lines);
    }

    private static void walk(
            JsonNode node, List<String> tokens, String path, List<Difference> differences, List<String> lines) {
        if (!tokens.isEmpty()) {
            for (Difference difference : differences) {
                if (matches(difference.pattern(), tokens)
                        && difference.applies().test(node)) {
                    lines.add(path + ": " + difference.description());
                }
            }
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                List<String> next = new ArrayList<>(tokens);
                next.add(entry.getKey());
                String name = entry.getKey().matches("[A-Za-z0-9_-]+") ? entry.getKey() : "\"" + entry.getKey() + "\"";
                walk(entry.getValue(), next, path.isEmpty() ? name : path + "." + name, differences, lines);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<String> next = new ArrayList<>(tokens);
                next.add("[]");
                walk(node.get(i), next, path + "[" + i + "]", differences, lines);
            }
        }
    }

    private static boolean matches(String pattern, List<String> tokens) {
        List<String> wanted = new ArrayList<>();
        for (String part : pattern.split("\\.")) {
            String segment = part;
            int lists = 0;
            while (segment.endsWith("[]")) {
                segment = segment.substring(0, segment.length() - 2);
                lists++;
            }
            if (!segment.isEmpty()) {
                wanted.add(segment);
            }
            for (int i = 0; i < lists; i++) {
                wanted.add("[]");
            }
        }
        if (wanted.size() != tokens.size()) {
            return false;
        }
        for (int i = 0; i < wanted.size(); i++) {
            String want = wanted.get(i);
            String token = tokens.get(i);
            if (want.equals("[]") != token.equals("[]")) {
                return false;
            }
            if (!want.equals("*") && !want.equals("[]") && !want.equals(token)) {
                return false;
            }
        }
        return true;
    }
}
