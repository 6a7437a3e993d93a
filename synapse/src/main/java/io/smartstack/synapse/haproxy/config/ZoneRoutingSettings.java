package io.smartstack.synapse.haproxy.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code haproxy.zone_routing} section: prefer the backends of the local zone. Key by key in
 * docs/haproxy-config.md.
 *
 * @param configured whether the section is present at all (absent: zone routing is off)
 * @param localZone the local host's zone: {@code local_zone}, else the environment variable named by
 *     {@code local_zone_env}; empty when neither says (zone routing is then off, and says so)
 * @param localZoneSource where {@code localZone} came from, for the status ("local_zone", "env SMARTSTACK_ZONE")
 * @param rule the default rule of every service
 * @param checkInterval how often HAProxy's view of the servers is read to re-decide
 */
public record ZoneRoutingSettings(
        boolean configured, Optional<String> localZone, String localZoneSource, ZoneRule rule, Duration checkInterval) {
    public static final String DEFAULT_ENV = "SMARTSTACK_ZONE";
    public static final String DEFAULT_LABEL = "az";
    public static final int DEFAULT_MIN_HEALTHY = 2;
    public static final int DEFAULT_MIN_HEALTHY_PERCENT = 20;
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(500);

    public ZoneRoutingSettings {
        Objects.requireNonNull(localZone, "localZone");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(checkInterval, "checkInterval");
    }

    public static ZoneRoutingSettings off() {
        return new ZoneRoutingSettings(
                false,
                Optional.empty(),
                "",
                new ZoneRule(true, DEFAULT_LABEL, DEFAULT_MIN_HEALTHY, DEFAULT_MIN_HEALTHY_PERCENT),
                DEFAULT_CHECK_INTERVAL);
    }

    /** True when some service may be zone-routed: the section is there and the local zone is known. */
    public boolean active() {
        return configured && localZone.isPresent();
    }

    /**
     * How one service chooses: spill over to every zone when the local zone has fewer than {@code
     * minHealthy} healthy servers, or fewer than {@code minHealthyPercent} percent of the service's
     * healthy servers.
     *
     * @param enabled whether the service is zone-routed at all
     * @param label the registration label holding a backend's zone
     */
    public record ZoneRule(boolean enabled, String label, int minHealthy, int minHealthyPercent) {
        public ZoneRule {
            Objects.requireNonNull(label, "label");
        }
    }
}
