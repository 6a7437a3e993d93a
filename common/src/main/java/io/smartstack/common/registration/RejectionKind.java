package io.smartstack.common.registration;

import java.util.Locale;

/** Why a registration was refused, as a small fixed set (a metric label); the reason text says the rest. */
public enum RejectionKind {
    NO_DATA,
    TOO_LARGE,
    NOT_JSON,
    NOT_AN_OBJECT,
    NO_ENDPOINT,
    HOST,
    PORT,
    NAME,
    WEIGHT,
    SERVER_OPTIONS,
    LABELS;

    /** The lower-case name used in metrics and in {@code /status}: {@code server_options}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
