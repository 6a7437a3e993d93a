package io.smartstack.nerve.config;

import io.smartstack.common.registration.Registration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One service Nerve watches and registers. Equal configs mean "unchanged" on reload.
 *
 * @param origin where the service came from (config file, service_conf_dir, admin API)
 */
public record ServiceConfig(
        String name,
        String host,
        int port,
        Duration checkInterval,
        boolean checkMocked,
        List<CheckConfig> checks,
        RateLimitConfig rateLimiting,
        OptionalInt weight,
        Optional<String> haproxyServerOptions,
        Map<String, String> labels,
        ZooKeeperReporterConfig zookeeper,
        Origin origin) {

    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(500);

    public enum Origin {
        CONFIG_FILE,
        SERVICE_CONF_DIR,
        ADMIN_API
    }

    public ServiceConfig {
        checks = List.copyOf(checks);
        labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
    }

    /** What this service publishes while it is up. */
    public Registration registration(String instanceId) {
        return new Registration(host, port, instanceId, weight, haproxyServerOptions, labels);
    }

    /** The same service, as if it came from {@code newOrigin}. */
    public ServiceConfig withOrigin(Origin newOrigin) {
        return new ServiceConfig(
                name,
                host,
                port,
                checkInterval,
                checkMocked,
                checks,
                rateLimiting,
                weight,
                haproxyServerOptions,
                labels,
                zookeeper,
                newOrigin);
    }
}
