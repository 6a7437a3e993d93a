package io.smartstack.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** Sets the log level from the command line (the default format and levels come from LoggingDefaults). */
public final class Logging {
    private Logging() {}

    /**
     * Sets the level of our own loggers; third-party libraries (ZooKeeper, Curator) stay at WARN unless
     * DEBUG or TRACE is asked for.
     *
     * @throws IllegalArgumentException naming the text when it is not a level
     */
    public static void configure(String level) {
        Level parsed = Level.toLevel(level.toUpperCase(Locale.ROOT), null);
        if (parsed == null) {
            throw new IllegalArgumentException(
                    "not a log level: '" + level + "' (use TRACE, DEBUG, INFO, WARN or ERROR)");
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger("io.smartstack").setLevel(parsed);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (parsed.isGreaterOrEqual(Level.INFO)) {
            root.setLevel(Level.WARN.isGreaterOrEqual(parsed) ? Level.WARN : parsed);
        } else {
            root.setLevel(parsed);
        }
    }
}
