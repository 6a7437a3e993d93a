package io.smartstack.synapse.haproxy.config;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings.ZoneRule;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads {@code haproxy.zone_routing} and a service's {@code haproxy.zone_routing} (the same rule keys,
 * overriding the top-level ones for that service), recording every problem on the node.
 */
public final class ZoneRoutingReader {
    private ZoneRoutingReader() {}

    /** The top-level section; {@code environment} looks up an environment variable (null when unset). */
    public static ZoneRoutingSettings read(ConfigNode node, UnaryOperator<String> environment) {
        if (!node.isPresent() || node.isNull()) {
            return ZoneRoutingSettings.off();
        }
        if (!node.isMap()) {
            node.problem("must be a map of keys, e.g. {local_zone: us-east-1a}");
            return ZoneRoutingSettings.off();
        }
        Optional<String> configured = node.optionalString("local_zone").filter(zone -> !zone.isBlank());
        String env = node.string("local_zone_env", ZoneRoutingSettings.DEFAULT_ENV);
        Optional<String> zone = configured;
        String source = "local_zone";
        if (zone.isEmpty()) {
            zone = Optional.ofNullable(environment.apply(env)).map(String::trim).filter(z -> !z.isEmpty());
            source = "env " + env;
        }
        ZoneRule defaults = new ZoneRule(
                true,
                ZoneRoutingSettings.DEFAULT_LABEL,
                ZoneRoutingSettings.DEFAULT_MIN_HEALTHY,
                ZoneRoutingSettings.DEFAULT_MIN_HEALTHY_PERCENT);
        ZoneRule rule = rule(node, defaults);
        Duration interval = node.positiveDuration("check_interval", ZoneRoutingSettings.DEFAULT_CHECK_INTERVAL);
        node.finish();
        return new ZoneRoutingSettings(true, zone, source, rule, interval);
    }

    /** A service's {@code zone_routing}: {@code false}, or a map of rule keys over {@code defaults}. */
    public static ZoneRule readService(ConfigNode node, ZoneRule defaults) {
        if (!node.isPresent() || node.isNull()) {
            return defaults;
        }
        if (node.raw().isBoolean()) {
            return new ZoneRule(
                    node.raw().asBoolean(), defaults.label(), defaults.minHealthy(), defaults.minHealthyPercent());
        }
        if (!node.isMap()) {
            node.problem("must be true, false or a map of keys, e.g. {min_healthy: 1}");
            return defaults;
        }
        ZoneRule rule = rule(node, defaults);
        node.finish();
        return rule;
    }

    private static ZoneRule rule(ConfigNode node, ZoneRule defaults) {
        boolean enabled = node.bool("enabled", defaults.enabled());
        String label = node.string("label", defaults.label());
        if (label.isBlank()) {
            node.problemAt("label", "must not be empty");
            label = defaults.label();
        }
        int minHealthy = node.integerAtLeast("min_healthy", defaults.minHealthy(), 0);
        int percent = node.integerAtLeast("min_healthy_percent", defaults.minHealthyPercent(), 0);
        if (percent > 100) {
            node.problemAt("min_healthy_percent", "must be between 0 and 100, got " + percent);
            percent = defaults.minHealthyPercent();
        }
        return new ZoneRule(enabled, label, minHealthy, percent);
    }
}
