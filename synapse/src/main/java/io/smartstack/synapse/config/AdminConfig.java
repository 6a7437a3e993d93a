package io.smartstack.synapse.config;

import java.util.Objects;

/**
 * The {@code admin} section: where the admin API and status page listen.
 *
 * @param bind address to bind (default 127.0.0.1: loopback only)
 * @param port TCP port (default 3211); 0 picks a free port
 */
public record AdminConfig(String bind, int port) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 3211;

    public AdminConfig {
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static AdminConfig defaults() {
        return new AdminConfig(DEFAULT_BIND, DEFAULT_PORT);
    }
}
