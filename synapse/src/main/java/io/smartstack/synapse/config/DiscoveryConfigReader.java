package io.smartstack.synapse.config;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationConfig;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.selection.LabelFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads a service's {@code discovery} section, recording every problem on the node. */
final class DiscoveryConfigReader {
    static final List<String> METHODS = List.of("zookeeper", "zookeeper_poll", "dns", "base");
    /** Discovery methods of the original Synapse that this implementation does not have. */
    static final List<String> NOT_SUPPORTED = List.of(
            "zookeeper_dns",
            "zookeeper_dns_poll",
            "zookeeper_recursive",
            "zookeeper_aurora",
            "docker",
            "ec2tag",
            "marathon",
            "multi",
            "etcd",
            "aws_ecs",
            "asg",
            "yarn_slider",
            "exhibitor",
            "file");

    static final String DISABLED = "disabled";
    static final Duration DEFAULT_POLLING_INTERVAL = Duration.ofSeconds(60);
    static final Duration DEFAULT_DNS_CHECK_INTERVAL = Duration.ofSeconds(30);
    static final Duration MAX_DISCOVERY_JITTER = Duration.ofSeconds(120);

    private DiscoveryConfigReader() {}

    /** The discovery settings; {@code filters} receives the label filters. */
    static DiscoveryConfig read(ConfigNode discovery, List<LabelFilter> filters) {
        if (!discovery.isPresent() || discovery.isNull()) {
            discovery.problem("is required (a map with at least 'method')");
            return new DiscoveryConfig.Base();
        }
        String method = discovery.requiredString("method");
        if (NOT_SUPPORTED.contains(method)) {
            discovery.problemAt(
                    "method",
                    "not supported: discovery method '" + method + "' (supported: " + String.join(", ", METHODS) + ")");
            discovery.keys().forEach(discovery::accept);
            return new DiscoveryConfig.Base();
        }
        if (!method.isEmpty() && !METHODS.contains(method)) {
            discovery.oneOf("method", "base", METHODS);
            discovery.keys().forEach(discovery::accept);
            return new DiscoveryConfig.Base();
        }
        filters.addAll(labelFilters(discovery));
        DiscoveryConfig result =
                switch (method) {
                    case "zookeeper" -> zookeeper(discovery, Optional.empty());
                    case "zookeeper_poll" ->
                        zookeeper(
                                discovery,
                                Optional.of(
                                        discovery.positiveDuration("polling_interval_sec", DEFAULT_POLLING_INTERVAL)));
                    case "dns" -> dns(discovery);
                    default -> new DiscoveryConfig.Base();
                };
        discovery.finish();
        return result;
    }

    private static DiscoveryConfig zookeeper(ConfigNode discovery, Optional<Duration> polling) {
        List<String> hosts = discovery.stringList("hosts");
        requireNonEmptyList(discovery, "hosts", hosts.isEmpty(), "is required (a list of host:port)");
        String path = zookeeperPath(discovery, "path", discovery.requiredString("path"));
        RegistrationFormat format = decode(discovery.map("decode"));
        Optional<String> generatorConfigPath = Optional.of(path);
        Optional<String> configured = discovery.optionalString("generator_config_path");
        if (configured.isPresent()) {
            generatorConfigPath = configured.get().equals(DISABLED)
                    ? Optional.empty()
                    : Optional.of(zookeeperPath(discovery, "generator_config_path", configured.get()));
        }
        Optional<RetryPolicySettings> retryPolicy = retryPolicy(discovery.map("retry_policy"));
        Optional<Duration> jitter = discoveryJitter(discovery, polling.isPresent());
        return new DiscoveryConfig.ZooKeeper(
                hosts, path.isEmpty() ? "/" : path, format, generatorConfigPath, polling, retryPolicy, jitter);
    }

    /** {@code retry_policy}, with the original's defaults for the sub-keys left out. */
    private static Optional<RetryPolicySettings> retryPolicy(ConfigNode node) {
        if (!node.isPresent() || node.isNull() || !node.isMap()) {
            return Optional.empty();
        }
        int attempts = node.integerAtLeast("max_attempts", RetryPolicySettings.DEFAULT_MAX_ATTEMPTS, 1);
        Duration maxDelay = node.positiveDuration("max_delay", RetryPolicySettings.DEFAULT_MAX_DELAY);
        Duration base = nonNegative(node, "base_interval", RetryPolicySettings.DEFAULT_BASE_INTERVAL);
        Duration max = nonNegative(node, "max_interval", RetryPolicySettings.DEFAULT_MAX_INTERVAL);
        node.finish();
        if (base.compareTo(max) > 0) {
            node.problemAt(
                    "base_interval",
                    "must not be greater than max_interval, got " + base.toMillis() + "ms > " + max.toMillis() + "ms");
            return Optional.empty();
        }
        return Optional.of(new RetryPolicySettings(attempts, maxDelay, base, max));
    }

    private static Duration nonNegative(ConfigNode node, String key, Duration defaultValue) {
        Duration value = node.duration(key, defaultValue);
        if (value.isNegative()) {
            node.problemAt(key, "must be >= 0, got " + value.toMillis() + "ms");
            return defaultValue;
        }
        return value;
    }

    /**
     * {@code discovery_jitter} in seconds, 0 to 120 as in the original, which ignored (and logged) any other
     * value; so do we, with a warning.
     */
    private static Optional<Duration> discoveryJitter(ConfigNode discovery, boolean polling) {
        Optional<Duration> jitter = discovery.optionalDuration("discovery_jitter");
        if (jitter.isEmpty()) {
            return Optional.empty();
        }
        if (polling) {
            discovery.warnAt(
                    "discovery_jitter",
                    "has no effect with method zookeeper_poll (as in the original: it throttles re-reads"
                            + " after watch events, and polling has none)");
            return Optional.empty();
        }
        if (jitter.get().isNegative() || jitter.get().compareTo(MAX_DISCOVERY_JITTER) > 0) {
            discovery.warnAt(
                    "discovery_jitter",
                    "must be between 0 and 120 seconds, got " + jitter.get().toMillis()
                            + "ms: ignored, as the original does");
            return Optional.empty();
        }
        return jitter.get().isZero() ? Optional.empty() : jitter;
    }

    private static String zookeeperPath(ConfigNode node, String key, String path) {
        if (!path.isEmpty() && (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/")))) {
            node.problemAt(key, "must be an absolute znode path without a trailing '/', got '" + path + "'");
        }
        return path;
    }

    private static RegistrationFormat decode(ConfigNode decode) {
        if (!decode.isPresent() || !decode.isMap()) {
            return RegistrationFormat.NERVE;
        }
        String method = decode.oneOf("method", "nerve", List.of("nerve", "serverset"));
        Optional<String> endpointName = decode.optionalString("endpoint_name");
        decode.finish();
        return method.equals("serverset") ? new RegistrationFormat.Serverset(endpointName) : RegistrationFormat.NERVE;
    }

    private static DiscoveryConfig dns(ConfigNode discovery) {
        discovery.notSupported("nameserver", "the system resolver is always used");
        Duration interval = discovery.positiveDuration("check_interval", DEFAULT_DNS_CHECK_INTERVAL);
        List<DiscoveryConfig.DnsServer> servers = new ArrayList<>();
        for (ConfigNode server : discovery.list("servers")) {
            String name = server.string("name", null);
            String host = server.requiredString("host");
            int port = server.requiredPort("port");
            Map<String, String> labels = server.stringMap("labels");
            RegistrationConfig.report(
                    server, new Registration(host, port, name, OptionalInt.empty(), Optional.empty(), labels), "name");
            servers.add(new DiscoveryConfig.DnsServer(name, host, port, labels));
            server.finish();
        }
        requireNonEmptyList(
                discovery, "servers", servers.isEmpty(), "is required for method dns (a list of {name, host, port})");
        return new DiscoveryConfig.Dns(servers, interval);
    }

    private static void requireNonEmptyList(ConfigNode node, String key, boolean empty, String message) {
        if (!node.has(key) || node.raw().get(key).isNull()) {
            node.problemAt(key, message);
        } else if (empty && node.raw().get(key).isArray()) {
            node.problemAt(key, "must not be empty");
        }
    }

    private static List<LabelFilter> labelFilters(ConfigNode discovery) {
        List<ConfigNode> nodes = new ArrayList<>(discovery.list("label_filters"));
        ConfigNode singular = discovery.map("label_filter");
        if (singular.isPresent() && singular.isMap()) {
            nodes.add(singular);
        }
        List<LabelFilter> filters = new ArrayList<>();
        for (ConfigNode node : nodes) {
            String label = node.requiredString("label");
            String value = node.requiredString("value");
            String condition = node.oneOf("condition", null, List.of("equals", "not-equals"));
            if (condition == null && !node.has("condition")) {
                node.problemAt("condition", "is required (equals or not-equals)");
            }
            node.finish();
            if (condition != null) {
                filters.add(new LabelFilter(label, value, LabelFilter.Condition.fromConfigName(condition)));
            }
        }
        return filters;
    }
}
