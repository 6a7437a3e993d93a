package io.smartstack.synapse.admin;

import java.util.List;
import java.util.Map;

/**
 * The HTML status page ({@code GET /}): the {@code /status} document at a glance, one table per service,
 * each backend coloured by its state (the generators' view when there is one, else its origin). Self-
 * contained (inline CSS, no scripts or external assets) and refreshing itself every 5 seconds.
 */
final class StatusPage {
    private StatusPage() {}

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> status) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"5\"><title>Synapse status</title><style>")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;")
                .append("margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
                .append("th{background:#eee}.registry,.up{background:#d4f7d4}.default_servers{background:#d6e8ff}")
                .append(".previous_backends,.drain{background:#fff1c2}.state_cache,.maint{background:#e4e4e4}")
                .append(".rejected{background:#ffd6d6}")
                .append(".down,.lost{background:#ffd0d0}.connected{background:#d4f7d4}")
                .append(".not-ready{background:#ffd0d0;padding:.5em 1em;border:1px solid #c00}</style></head><body>")
                .append("<h1>Synapse</h1><p>ready: ")
                .append(status.get("ready"))
                .append(" &middot; last change: ")
                .append(escape(String.valueOf(status.get("last_change"))))
                .append(" &middot; applies: ")
                .append(status.get("applies"))
                .append("</p>");
        notReady(html, status);
        html.append("<h2>Registries</h2><table><tr><th>registry</th><th>state</th><th>since</th></tr>");
        ((Map<String, Map<String, Object>>) status.get("registries"))
                .forEach((name, registry) -> html.append("<tr class=\"")
                        .append(escape(String.valueOf(registry.get("state"))))
                        .append("\"><td>")
                        .append(escape(name))
                        .append("</td><td>")
                        .append(escape(String.valueOf(registry.get("state"))))
                        .append("</td><td>")
                        .append(escape(String.valueOf(registry.get("since"))))
                        .append("</td></tr>"));
        html.append("</table><h2>Services</h2>");
        for (Map<String, Object> service : (List<Map<String, Object>>) status.get("services")) {
            service(html, service);
        }
        return html.append("</body></html>").toString();
    }

    @SuppressWarnings("unchecked")
    private static void service(StringBuilder html, Map<String, Object> service) {
        List<Map<String, Object>> backends = (List<Map<String, Object>>) service.get("backends");
        html.append("<h3 id=\"service-")
                .append(escape(String.valueOf(service.get("name"))))
                .append("\">")
                .append(escape(String.valueOf(service.get("name"))))
                .append(" <small>(")
                .append(backends.size())
                .append(" backends, ")
                .append(escape(String.valueOf(service.get("discovery"))))
                .append(", ")
                .append(escape(String.valueOf(service.get("selection"))))
                .append(")</small></h3>");
        zone(html, service);
        html.append("<table><tr><th>server</th><th>host</th><th>port</th><th>origin</th>")
                .append("<th>state</th><th>weight</th><th>labels</th></tr>");
        for (Map<String, Object> backend : backends) {
            String state = state(backend);
            html.append("<tr class=\"")
                    .append(escape(state.isEmpty() ? String.valueOf(backend.get("origin")) : state))
                    .append("\"><td>")
                    .append(escape(String.valueOf(backend.get("server_name"))))
                    .append("</td><td>")
                    .append(escape(String.valueOf(backend.get("host"))))
                    .append("</td><td>")
                    .append(backend.get("port"))
                    .append("</td><td>")
                    .append(escape(String.valueOf(backend.get("origin"))))
                    .append("</td><td>")
                    .append(escape(state))
                    .append("</td><td>")
                    .append(backend.get("weight") == null ? "" : backend.get("weight"))
                    .append("</td><td>")
                    .append(escape(String.valueOf(backend.get("labels"))))
                    .append("</td></tr>");
        }
        html.append("</table>");
        List<Map<String, Object>> rejected = (List<Map<String, Object>>) service.getOrDefault("rejected", List.of());
        if (!rejected.isEmpty()) {
            html.append("<table class=\"rejected\"><tr><th>rejected registration</th><th>reason</th>")
                    .append("<th>detail</th></tr>");
            for (Map<String, Object> entry : rejected) {
                html.append("<tr class=\"rejected\"><td>")
                        .append(escape(String.valueOf(entry.get("path"))))
                        .append("</td><td>")
                        .append(escape(String.valueOf(entry.get("reason"))))
                        .append("</td><td>")
                        .append(escape(String.valueOf(entry.get("detail"))))
                        .append("</td></tr>");
            }
            html.append("</table>");
        }
    }

    /** The reasons {@code /healthz} answers 503, when there are any. */
    private static void notReady(StringBuilder html, Map<String, Object> status) {
        if (!(status.get("not_ready") instanceof List<?> reasons) || reasons.isEmpty()) {
            return;
        }
        html.append("<div class=\"not-ready\"><b>Not ready</b> (GET /healthz answers 503):<ul>");
        reasons.forEach(reason ->
                html.append("<li>").append(escape(String.valueOf(reason))).append("</li>"));
        html.append("</ul></div>");
    }

    /** The zone decision a generator reports for the service ({@code <generator>.zone}), as one line. */
    private static void zone(StringBuilder html, Map<String, Object> service) {
        for (Object value : service.values()) {
            if (value instanceof Map<?, ?> view && view.get("zone") instanceof Map<?, ?> zone) {
                html.append("<p class=\"zone\">zone routing: <b>")
                        .append(escape(String.valueOf(zone.get("decision"))))
                        .append("</b> (local zone ")
                        .append(escape(String.valueOf(zone.get("local_zone"))))
                        .append(") &middot; ")
                        .append(escape(String.valueOf(zone.get("reason"))))
                        .append("</p>");
                return;
            }
        }
    }

    /** The first generator view's {@code state} for the backend, lower-cased; empty when there is none. */
    private static String state(Map<String, Object> backend) {
        for (Object value : backend.values()) {
            if (value instanceof Map<?, ?> view && view.get("state") != null) {
                return String.valueOf(view.get("state")).toLowerCase(java.util.Locale.ROOT);
            }
        }
        return "";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
