package io.smartstack.nerve.config;

/**
 * Where the admin API listens.
 *
 * @param bind address to bind (loopback by default: the API changes registrations)
 * @param port TCP port; 0 picks a free one (the bound port is logged)
 */
public record AdminSettings(String bind, int port) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 3210;
    public static final AdminSettings DEFAULT = new AdminSettings(DEFAULT_BIND, DEFAULT_PORT);
}
