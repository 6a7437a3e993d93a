package io.smartstack.common.registration;

import java.util.Locale;

/** Why a registration was refused, as a small fixed set (a metric label); the reason text says the rest. */
public enum RejectionKind {
    NO_DATA(""),
    TOO_LARGE(""),
    NOT_JSON(""),
    NOT_AN_OBJECT(""),
    NO_ENDPOINT(""),
    HOST("host"),
    PORT("port"),
    NAME("name"),
    WEIGHT("weight"),
    SERVER_OPTIONS("haproxy_server_options"),
    LABELS("labels");

    private final String field;

    RejectionKind(String field) {
        this.field = field;
    }

    /** The registration field the rule is about ({@code haproxy_server_options}), empty for the whole znode. */
    public String field() {
        return field;
    }

    /** The lower-case name used in metrics and in {@code /status}: {@code server_options}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
