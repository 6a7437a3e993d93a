package io.smartstack.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The daemons' and tools' logging, configured in code (found by Logback as a service), so that no XML
 * parser and no Joran configurator is loaded: concise human-readable lines on stderr (stdout carries
 * command output, e.g. the haproxy.cfg of {@code synapse render}), or one JSON object per line when the
 * environment variable {@code SMARTSTACK_LOG_FORMAT=json} is set. Levels come from the command line
 * ({@link Logging}). A configuration file given with {@code -Dlogback.configurationFile} is used
 * instead.
 */
public final class LoggingDefaults extends ContextAwareBase implements Configurator {
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %msg%n%ex";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        NopStatusListener quiet = new NopStatusListener();
        context.getStatusManager().add(quiet);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setTarget("System.err");
        boolean json = "json".equals(System.getenv("SMARTSTACK_LOG_FORMAT"));
        appender.setName(json ? "json" : "text");
        appender.setEncoder(json ? jsonEncoder(context) : textEncoder(context));
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(appender);
        context.getLogger("io.smartstack").setLevel(Level.INFO);
        // A ZooKeeper outage is logged by the daemons on transitions (lost, still lost after N s, back).
        // The client libraries log every reconnect attempt, with a stack trace: only their errors are kept.
        for (String quietLibrary : new String[] {
            "org.apache.zookeeper.ClientCnxn",
            "org.apache.zookeeper.ClientCnxnSocketNIO",
            "org.apache.curator.ConnectionState",
            "org.apache.curator.framework.state.ConnectionStateManager"
        }) {
            context.getLogger(quietLibrary).setLevel(Level.ERROR);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMDC(false);
        encoder.setWithKVPList(false);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
