package io.smartstack.synapse.haproxy.runtime;

import java.util.Locale;

/**
 * Why HAProxy must be reloaded: a kind (a metric tag) and a log-ready sentence.
 */
public record ReloadReason(Kind kind, String sentence) {
    public enum Kind {
        NEW_SERVICE,
        REMOVED_SECTION,
        CHANGED_SECTION,
        NEW_SERVER,
        /** Every server the backend should have waits for a reload: it answers 503 until then. */
        EMPTY_BACKEND,
        SERVER_OPTIONS,
        RUNTIME_FAILURE,
        RUNTIME_UNAVAILABLE,
        NO_SOCKET;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return sentence;
    }
}
