package io.smartstack.synapse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP handling through the JDK's signal API (available on HotSpot/OpenJDK). */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** Runs {@code action} on each SIGHUP; logs (once) when the platform has no SIGHUP. */
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP is not available here, config reload by signal is off: {}", e.toString());
        }
    }
}
