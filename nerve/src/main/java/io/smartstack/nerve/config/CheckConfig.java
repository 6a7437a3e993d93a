package io.smartstack.nerve.config;

import java.time.Duration;

/**
 * One configured check.
 *
 * @param type the {@code type} key as written
 * @param name {@code name}, by default {@code "<service> <type>-<host>:<port>"} as in the original
 * @param host target host (the service's unless overridden)
 * @param port target port (the service's unless overridden)
 * @param timeout the check's own time limit
 * @param rise consecutive passes that turn a down check up
 * @param fall consecutive failures that turn an up check down
 * @param spec type-specific settings
 */
public record CheckConfig(
        String type, String name, String host, int port, Duration timeout, int rise, int fall, CheckSpec spec) {}
