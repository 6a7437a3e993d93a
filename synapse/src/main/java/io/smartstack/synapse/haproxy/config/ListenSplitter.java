package io.smartstack.synapse.haproxy.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits the lines of a service's {@code listen} section into its frontend and backend parts, by
 * keyword, as the original does. Unlike the original nothing is dropped: a keyword this table does
 * not know (a directive newer than the table) goes to both sections, where {@code haproxy -c} judges
 * it.
 */
public final class ListenSplitter {
    /** Keywords valid in a frontend only. */
    private static final Set<String> FRONTEND_ONLY = Set.of(
            "bind",
            "capture",
            "default_backend",
            "declare",
            "monitor",
            "monitor-uri",
            "monitor-net",
            "rate-limit",
            "tcp-request",
            "unique-id-format",
            "unique-id-header",
            "use_backend",
            "maxconn",
            "backlog",
            "http-after-response-frontend");

    /** Keywords valid in a backend only. */
    private static final Set<String> BACKEND_ONLY = Set.of(
            "balance",
            "cookie",
            "default-server",
            "dispatch",
            "fullconn",
            "hash-type",
            "hash-balance-factor",
            "http-check",
            "http-reuse",
            "persist",
            "retries",
            "retry-on",
            "server",
            "server-template",
            "server-state-file-name",
            "load-server-state-from-file",
            "source",
            "stick",
            "stick-table",
            "tcp-check",
            "tcp-response",
            "use-server",
            "appsession",
            "redispatch");

    /** Options (after {@code option} / {@code no option}) valid in a backend only. */
    private static final Set<String> BACKEND_OPTIONS = Set.of(
            "httpchk",
            "ssl-hello-chk",
            "smtpchk",
            "mysql-check",
            "pgsql-check",
            "redis-check",
            "ldap-check",
            "spop-check",
            "tcp-check",
            "external-check",
            "allbackups",
            "persist",
            "redispatch",
            "abortonclose",
            "checkcache",
            "httpclose",
            "prefer-last-server",
            "srvtcpka",
            "log-health-checks",
            "independent-streams");

    /** Options valid in a frontend only. */
    private static final Set<String> FRONTEND_OPTIONS = Set.of(
            "clitcpka",
            "dontlognull",
            "dontlog-normal",
            "httplog",
            "tcplog",
            "logasap",
            "socket-stats",
            "contstats",
            "accept-invalid-http-request",
            "http-ignore-probes",
            "log-separate-errors",
            "idle-close-on-response");

    private ListenSplitter() {}

    public static List<String> frontendPart(List<String> listen) {
        return listen.stream()
                .filter(line -> placement(line) != Placement.BACKEND)
                .toList();
    }

    public static List<String> backendPart(List<String> listen) {
        return listen.stream()
                .filter(line -> placement(line) != Placement.FRONTEND)
                .toList();
    }

    enum Placement {
        FRONTEND,
        BACKEND,
        BOTH
    }

    static Placement placement(String line) {
        String[] words = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return Placement.BOTH;
        }
        int first = words[0].equals("no") && words.length > 1 ? 1 : 0;
        if (words[first].equals("option") && words.length > first + 1) {
            String option = words[first + 1];
            if (BACKEND_OPTIONS.contains(option)) {
                return Placement.BACKEND;
            }
            return FRONTEND_OPTIONS.contains(option) ? Placement.FRONTEND : Placement.BOTH;
        }
        if (words[first].equals("timeout") && words.length > first + 1) {
            return switch (words[first + 1]) {
                case "client", "clitimeout", "client-fin", "http-request", "http-keep-alive" -> Placement.FRONTEND;
                case "server", "srvtimeout", "server-fin", "connect", "contimeout", "queue", "check", "tunnel" ->
                    Placement.BACKEND;
                default -> Placement.BOTH;
            };
        }
        if (FRONTEND_ONLY.contains(words[first])) {
            return Placement.FRONTEND;
        }
        return BACKEND_ONLY.contains(words[first]) ? Placement.BACKEND : Placement.BOTH;
    }
}
