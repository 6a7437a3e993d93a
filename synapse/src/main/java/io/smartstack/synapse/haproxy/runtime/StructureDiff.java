package io.smartstack.synapse.haproxy.runtime;

import io.smartstack.synapse.haproxy.runtime.ReloadReason.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares two haproxy.cfg texts for what only a reload can apply (pure): sections added, removed or
 * with changed lines, and servers whose options changed. Server lines that differ only in
 * {@code weight} or {@code disabled}, and servers added or removed, are left to the runtime API (the
 * {@link Planner}).
 */
public final class StructureDiff {
    private StructureDiff() {}

    public static List<ReloadReason> reasons(String installed, String proposed) {
        Map<String, Section> before = parse(installed);
        Map<String, Section> after = parse(proposed);
        List<ReloadReason> reasons = new ArrayList<>();
        for (Map.Entry<String, Section> entry : after.entrySet()) {
            String title = entry.getKey();
            Section old = before.get(title);
            if (old == null) {
                Kind kind = title.startsWith("frontend ") || title.startsWith("backend ")
                        ? Kind.NEW_SERVICE
                        : Kind.CHANGED_SECTION;
                reasons.add(new ReloadReason(kind, "section '" + title + "' is new"));
                continue;
            }
            if (!old.lines().equals(entry.getValue().lines())) {
                reasons.add(new ReloadReason(Kind.CHANGED_SECTION, "lines of section '" + title + "' changed"));
            }
            for (Map.Entry<String, String> server : entry.getValue().servers().entrySet()) {
                String oldLine = old.servers().get(server.getKey());
                if (oldLine != null && !Objects.equals(oldLine, server.getValue())) {
                    reasons.add(new ReloadReason(
                            Kind.SERVER_OPTIONS,
                            "options of server " + title.substring(title.indexOf(' ') + 1) + "/" + server.getKey()
                                    + " changed"));
                }
            }
        }
        for (String title : before.keySet()) {
            if (!after.containsKey(title)) {
                reasons.add(new ReloadReason(Kind.REMOVED_SECTION, "section '" + title + "' was removed"));
            }
        }
        return reasons;
    }

    /** A section: its non-server lines, and its server lines by server name (weight and disabled removed). */
    record Section(List<String> lines, Map<String, String> servers) {}

    static Map<String, Section> parse(String text) {
        Map<String, Section> sections = new LinkedHashMap<>();
        Section current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean indented = Character.isWhitespace(raw.charAt(0));
            if (!indented) {
                current = new Section(new ArrayList<>(), new LinkedHashMap<>());
                sections.put(line.replaceAll("\\s+", " "), current);
                continue;
            }
            if (current == null) {
                continue;
            }
            String[] words = line.split("\\s+");
            if (words[0].equals("server") && words.length >= 3) {
                current.servers().put(words[1], normalizedServer(words));
            } else {
                current.lines().add(String.join(" ", words));
            }
        }
        return sections;
    }

    private static String normalizedServer(String[] words) {
        List<String> kept = new ArrayList<>();
        for (int i = 2; i < words.length; i++) {
            if (words[i].equals("disabled")) {
                continue;
            }
            if (words[i].equals("weight") && i + 1 < words.length) {
                i++;
                continue;
            }
            if (words[i].equals("id") && i + 1 < words.length) {
                i++;
                continue;
            }
            kept.add(words[i]);
        }
        return String.join(" ", kept);
    }
}
