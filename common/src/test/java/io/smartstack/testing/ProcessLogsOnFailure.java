package io.smartstack.testing;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Puts the log of every {@link ExternalProcess} a test class started into the failure of any of its
 * tests (or of its set-up and tear-down), as a suppressed {@link ProcessLog} per process: a failure
 * shows what ZooKeeper, HAProxy or the daemon under test said, without a second run. Registered for
 * every test through {@code META-INF/services} (extension autodetection is on in the parent pom).
 */
public final class ProcessLogsOnFailure
        implements BeforeAllCallback, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ProcessLogsOnFailure.class);
    private static final int LINES = 60;
    private static final int MOST_PROCESSES = 8;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("first", ExternalProcess.startedCount());
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLogs(context, failure);
    }

    private static Throwable withLogs(ExtensionContext context, Throwable failure) {
        Integer first = context.getStore(NAMESPACE).get("first", Integer.class);
        List<ExternalProcess> started = ExternalProcess.startedSince(first == null ? 0 : first);
        List<ExternalProcess> shown = started.subList(Math.max(0, started.size() - MOST_PROCESSES), started.size());
        for (ExternalProcess process : shown) {
            failure.addSuppressed(new ProcessLog(process.describe(LINES)));
        }
        return failure;
    }

    /** The log of one process, attached to a failure; it has no stack trace of its own. */
    public static final class ProcessLog extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProcessLog(String text) {
            super(text, null, false, false);
        }
    }
}
