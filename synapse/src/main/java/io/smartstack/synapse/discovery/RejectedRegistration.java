package io.smartstack.synapse.discovery;

import java.util.Objects;

/**
 * A registration Synapse does not use: a znode that breaks a registration rule, or a server HAProxy
 * refused. Shown in {@code /status} under its service and counted in
 * {@code synapse_registrations_rejected_total{service,reason}}.
 *
 * @param path the znode path (or, for a server HAProxy refused, the server name)
 * @param reason the rule's short name, a metric label: {@code host}, {@code server_options}, {@code haproxy}, ...
 * @param detail the log-ready sentence saying what was wrong (control characters escaped)
 */
public record RejectedRegistration(String path, String reason, String detail) {
    public RejectedRegistration {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
