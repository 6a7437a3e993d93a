package io.smartstack.synapse.haproxy.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.synapse.haproxy.config.SectionTitles;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a line of a rendered haproxy.cfg back to the config key it came from, so that what {@code haproxy -c}
 * says about line 23 is reported as {@code haproxy.extra_sections."listen stats :3212"[1]}. A line the user
 * wrote is found by its text in the section's list; a line Synapse wrote (a server line, a bind line, an added
 * directive) names the keys it was made from. Pure: the rendered text and the raw sections are passed in.
 */
public final class ConfigOrigins {
    private final JsonNode haproxy;
    private final Map<String, JsonNode> services;

    /**
     * @param haproxy the top-level {@code haproxy} section as written
     * @param services each service's {@code haproxy} section as written, by service name
     */
    public ConfigOrigins(JsonNode haproxy, Map<String, JsonNode> services) {
        this.haproxy = haproxy;
        this.services = Map.copyOf(services);
    }

    /** The key that line {@code number} (1-based) of {@code rendered} came from. */
    public String keyFor(String rendered, int number) {
        List<String> lines = rendered.lines().toList();
        if (number < 1 || number > lines.size()) {
            return "the rendered config (line " + number + ")";
        }
        int header = number - 1;
        while (header > 0
                && (lines.get(header).isBlank()
                        || Character.isWhitespace(lines.get(header).charAt(0)))) {
            header--;
        }
        String title = lines.get(header).trim();
        String line = lines.get(number - 1).trim();
        boolean isTitle = header == number - 1;
        String[] words = title.split("\\s+");
        String kind = words[0];
        String name = words.length > 1 ? words[1] : "";
        if (kind.equals("global") || kind.equals("defaults")) {
            return inList("haproxy." + kind, haproxy.path(kind), line, isTitle, "a line Synapse adds");
        }
        Optional<String> extra = extraSection(title);
        if (extra.isPresent()) {
            String key = "haproxy.extra_sections.\"" + extra.get() + "\"";
            if (!extra.get().equals(title) && (isTitle || line.startsWith("bind "))) {
                return key; // the address in the title, now a bind line
            }
            return inList(key, haproxy.path("extra_sections").path(extra.get()), line, isTitle, "");
        }
        if (title.equals("listen synapse-haproxy-stats")) {
            return "haproxy.stats_port (the status page Synapse adds)";
        }
        if (title.equals("frontend shared-frontend")) {
            return inList("haproxy.shared_frontend", haproxy.path("shared_frontend"), line, isTitle, "");
        }
        if (kind.equals("frontend") && services.containsKey(name)) {
            return serviceLine(name, services.get(name), "frontend", line, isTitle);
        }
        if (kind.equals("backend")) {
            Optional<String> service = serviceOfBackend(name);
            if (service.isPresent()) {
                return serviceLine(service.get(), services.get(service.get()), "backend", line, isTitle);
            }
        }
        return "the rendered section '" + title + "'";
    }

    private String serviceLine(String service, JsonNode section, String part, String line, boolean isTitle) {
        String key = "services." + service + ".haproxy";
        if (isTitle) {
            return key;
        }
        for (String list : List.of(part, "listen")) {
            int index = indexOf(section.path(list), line);
            if (index >= 0) {
                return key + "." + list + "[" + index + "]";
            }
        }
        if (line.startsWith("bind ")) {
            return key
                    + (section.has("bind_options")
                            ? ".bind_options"
                            : section.has("bind_address") ? ".bind_address" : ".port")
                    + " (the bind line)";
        }
        if (line.startsWith("server ")) {
            return key + ".server_options (a server line: with the registration's or default_servers'"
                    + " haproxy_server_options)";
        }
        return key + " (a line Synapse adds)";
    }

    private Optional<String> serviceOfBackend(String backend) {
        for (Map.Entry<String, JsonNode> entry : services.entrySet()) {
            if (entry.getValue().path("backend_name").asText(entry.getKey()).equals(backend)) {
                return Optional.of(entry.getKey());
            }
        }
        return Optional.empty();
    }

    /** The extra_sections key a rendered title came from: the title itself, or a 1.x title with an address. */
    private Optional<String> extraSection(String title) {
        JsonNode sections = haproxy.path("extra_sections");
        for (Iterator<String> it = sections.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.trim().equals(title)
                    || SectionTitles.translate(key)
                            .filter(t -> t.title().equals(title))
                            .isPresent()) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static String inList(String key, JsonNode list, String line, boolean isTitle, String otherwise) {
        if (isTitle) {
            return key;
        }
        int index = indexOf(list, line);
        if (index >= 0) {
            return key + "[" + index + "]";
        }
        return otherwise.isEmpty() ? key : key + " (" + otherwise + ")";
    }

    private static int indexOf(JsonNode list, String line) {
        if (!list.isArray()) {
            return -1;
        }
        String wanted = line.replaceAll("\\s+", " ");
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).asText().trim().replaceAll("\\s+", " ").equals(wanted)) {
                return i;
            }
        }
        return -1;
    }
}
