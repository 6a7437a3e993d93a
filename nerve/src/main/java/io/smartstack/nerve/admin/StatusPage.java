package io.smartstack.nerve.admin;

import io.smartstack.nerve.service.ServiceStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTML status page at {@code GET /}: every service with its state, registration, maintenance and
 * app-reported health, and each check's last result, latency and reason. Self-contained (inline CSS,
 * no scripts or external assets) and refreshing itself every 2 seconds.
 */
final class StatusPage {
    private StatusPage() {}

    static String render(Map<String, Object> status) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"2\">")
                .append("<title>Nerve ")
                .append(escape(String.valueOf(status.get("instance_id"))))
                .append("</title><style>")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;margin-bottom:1.5em;width:100%}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}")
                .append("th{background:#eee}.up{background:#c8f0c8}.down{background:#f6c6c6}")
                .append(".maint{background:#f8e7a8}.muted{color:#777}")
                .append("</style></head><body>")
                .append("<h1>Nerve <span class=\"muted\">")
                .append(escape(String.valueOf(status.get("instance_id"))))
                .append("</span></h1><p class=\"muted\">as of ")
                .append(escape(String.valueOf(status.get("time"))))
                .append("</p>");
        Object all = status.get("maintenance_all");
        if (all instanceof Optional<?> maintenance && maintenance.isPresent()) {
            html.append("<p class=\"maint\" id=\"maintenance-all\">All services in maintenance: ")
                    .append(escape(String.valueOf(((Map<?, ?>) maintenance.get()).get("reason"))))
                    .append("</p>");
        }
        @SuppressWarnings("unchecked")
        List<ServiceStatus> services = (List<ServiceStatus>) status.get("services");
        html.append("<h2>Services (").append(services.size()).append(")</h2>");
        html.append("<table id=\"services\"><tr><th>Service</th><th>State</th><th>Registered</th>")
                .append("<th>Maintenance</th><th>App-reported</th><th>Address</th><th>ZooKeeper</th></tr>");
        for (ServiceStatus service : services) {
            String state = service.maintenance().isPresent() ? "maint" : service.up() ? "up" : "down";
            html.append("<tr class=\"service ")
                    .append(state)
                    .append("\" data-service=\"")
                    .append(escape(service.name()))
                    .append("\"><td>")
                    .append(escape(service.name()))
                    .append("</td><td class=\"state\">")
                    .append(service.up() ? "UP" : "DOWN")
                    .append("</td><td>")
                    .append(service.znode().map(StatusPage::escape).orElse("no"))
                    .append("</td><td>")
                    .append(service.maintenance()
                            .map(m -> "yes: " + escape(m.reason()))
                            .orElse(""))
                    .append("</td><td>")
                    .append(service.appUnhealthy()
                            .map(h -> "unhealthy: " + escape(h.reason()))
                            .orElse("healthy"))
                    .append("</td><td>")
                    .append(escape(service.host() + ":" + service.port()))
                    .append("</td><td>")
                    .append(escape(service.zkHosts()))
                    .append(service.zkConnected() ? "" : " (disconnected)")
                    .append("</td></tr>");
        }
        html.append("</table><h2>Checks</h2><table id=\"checks\"><tr><th>Service</th><th>Check</th>")
                .append("<th>State</th><th>Last result</th><th>Latency</th><th>Reason</th>")
                .append("<th>Passes / failures in a row</th><th>Rise / fall</th></tr>");
        for (ServiceStatus service : services) {
            for (ServiceStatus.CheckStatus check : service.checks()) {
                boolean up = Boolean.TRUE.equals(check.up());
                html.append("<tr class=\"check ")
                        .append(up ? "up" : "down")
                        .append("\"><td>")
                        .append(escape(service.name()))
                        .append("</td><td>")
                        .append(escape(check.name()))
                        .append("</td><td>")
                        .append(check.up() == null ? "pending" : up ? "UP" : "DOWN")
                        .append("</td><td>")
                        .append(check.lastPassed() == null ? "" : check.lastPassed() ? "pass" : "fail")
                        .append("</td><td>")
                        .append(check.latencyMillis() == null ? "" : String.format("%.1f ms", check.latencyMillis()))
                        .append("</td><td>")
                        .append(escape(check.lastReason() == null ? "" : check.lastReason()))
                        .append("</td><td>")
                        .append(check.consecutivePasses())
                        .append(" / ")
                        .append(check.consecutiveFailures())
                        .append("</td><td>")
                        .append(check.rise())
                        .append(" / ")
                        .append(check.fall())
                        .append("</td></tr>");
            }
        }
        html.append("</table><p class=\"muted\">JSON: <a href=\"/status\">/status</a> · metrics: ")
                .append("<a href=\"/metrics\">/metrics</a></p></body></html>");
        return html.toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
