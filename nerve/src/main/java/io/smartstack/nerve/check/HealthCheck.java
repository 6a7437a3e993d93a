package io.smartstack.nerve.check;

/**
 * One health check of one service. {@link #run()} returns within the check's own timeout (each
 * implementation enforces it on its I/O) and reports failure as a value; an exception thrown anyway is
 * turned into a failure by the caller.
 */
public interface HealthCheck extends AutoCloseable {
    CheckOutcome run() throws Exception;

    /** Releases what the check holds between runs (connections, clients). Idempotent. */
    @Override
    default void close() {}
}
