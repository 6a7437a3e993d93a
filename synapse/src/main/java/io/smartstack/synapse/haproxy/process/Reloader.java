package io.smartstack.synapse.haproxy.process;

import java.io.IOException;

/** Reloads HAProxy: through the master CLI of a managed HAProxy, or with the user's {@code reload_command}. */
public interface Reloader {
    /** Reloads and returns a short description of the result; throws when the reload failed. */
    String reload() throws IOException;
}
