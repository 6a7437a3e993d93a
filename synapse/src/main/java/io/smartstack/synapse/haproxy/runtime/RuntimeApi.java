package io.smartstack.synapse.haproxy.runtime;

import java.io.IOException;

/**
 * One HAProxy runtime API endpoint (a stats socket). Implementations keep one session open and
 * reconnect when HAProxy closed it (idle timeout, reload).
 */
public interface RuntimeApi extends AutoCloseable {
    /** Sends one command line and returns HAProxy's answer without the prompt. */
    String execute(String command) throws IOException;

    /** Drops the session, so that the next command opens a new one (after a reload: the new worker). */
    void reconnect();

    @Override
    void close();
}
