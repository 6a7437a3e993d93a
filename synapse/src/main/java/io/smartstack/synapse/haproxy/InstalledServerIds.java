package io.smartstack.synapse.haproxy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server ids of a haproxy.cfg text (pure): {@code server <name> <address> ... id <n>} lines of
 * {@code backend} and {@code listen} sections. Lines without an id, or with a malformed one, are skipped.
 */
final class InstalledServerIds {
    private InstalledServerIds() {}

    /** @return backend name to server name to id */
    static Map<String, Map<String, Integer>> read(String config) {
        Map<String, Map<String, Integer>> ids = new LinkedHashMap<>();
        String section = null;
        for (String raw : config.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (!Character.isWhitespace(raw.charAt(0))) {
                boolean proxy = (words[0].equals("backend") || words[0].equals("listen")) && words.length >= 2;
                section = proxy ? words[1] : null;
                continue;
            }
            if (section == null || !words[0].equals("server") || words.length < 3) {
                continue;
            }
            for (int i = 3; i + 1 < words.length; i++) {
                if (words[i].equals("id") && words[i + 1].matches("[0-9]{1,9}")) {
                    ids.computeIfAbsent(section, key -> new LinkedHashMap<>())
                            .put(words[1], Integer.parseInt(words[i + 1]));
                    break;
                }
            }
        }
        return ids;
    }
}
