package io.smartstack.nerve.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads one service entry. */
final class ServiceReader {
    private ServiceReader() {}

    static ServiceConfig read(String name, ConfigNode node, ServiceConfig.Origin origin) {
        if (!node.isMap()) {
            node.problem("must be a map of keys");
        }
        String host = node.requiredString("host");
        int port = node.requiredPort("port");
        node.oneOf("reporter_type", "zookeeper", List.of("zookeeper", "etcd"));
        if ("etcd".equals(node.raw().path("reporter_type").asText())) {
            node.problemAt("reporter_type", "not supported: etcd (only zookeeper is implemented)");
        }
        node.notSupported("etcd_host", "the etcd reporter is not implemented");
        node.notSupported("etcd_port", "the etcd reporter is not implemented");
        node.notSupported("etcd_path", "the etcd reporter is not implemented");
        node.ignored(
                "load_test_concurrency",
                "the original ran N copies of the service's watcher (<name>_0..N-1) to load-test ZooKeeper;"
                        + " here the service is registered once");
        Duration interval = node.positiveDuration("check_interval", ServiceConfig.DEFAULT_CHECK_INTERVAL);
        boolean mocked = node.bool("check_mocked", false);
        List<CheckConfig> checks = new ArrayList<>();
        List<ConfigNode> checkNodes = node.list("checks");
        for (ConfigNode check : checkNodes) {
            CheckReader.read(name, host, port, check).ifPresent(checks::add);
        }
        RateLimitConfig rateLimiting = readRateLimiting(node.map("rate_limiting"));
        OptionalInt weight = readWeight(node);
        Optional<String> serverOptions = node.optionalString("haproxy_server_options");
        var labels = node.stringMap("labels");
        ZooKeeperReporterConfig zookeeper = readZooKeeper(node);
        // what Synapse would skip is refused here, where it is written
        RegistrationConfig.report(node, new Registration(host, port, null, weight, serverOptions, labels), "");
        node.finish();
        return new ServiceConfig(
                name,
                host,
                port,
                interval,
                mocked,
                checks,
                rateLimiting,
                weight,
                serverOptions,
                labels,
                zookeeper,
                origin);
    }

    private static OptionalInt readWeight(ConfigNode node) {
        Optional<Integer> weight = node.optionalInteger("weight");
        if (weight.isPresent() && weight.get() < 0) {
            node.problemAt("weight", "must be a non-negative whole number, got " + weight.get());
            return OptionalInt.empty();
        }
        return weight.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    private static ZooKeeperReporterConfig readZooKeeper(ConfigNode node) {
        List<String> hosts = node.stringList("zk_hosts");
        if (hosts.isEmpty()) {
            node.problemAt("zk_hosts", "is required (a list of host:port)");
        }
        String path = node.requiredString("zk_path");
        if (!path.isEmpty() && !path.startsWith("/")) {
            node.problemAt("zk_path", "must start with /, got '" + path + "'");
        } else if (path.length() > 1 && path.endsWith("/")) {
            node.problemAt("zk_path", "must not end with /, got '" + path + "'");
        }
        NodeType nodeType = NodeType.fromConfigName(
                node.oneOf("node_type", NodeType.EPHEMERAL_SEQUENTIAL.configName(), NodeType.configNames()));
        Optional<Duration> ttl = node.optionalDuration("ttl_seconds");
        if (ttl.isPresent() && (ttl.get().isZero() || ttl.get().isNegative())) {
            node.problemAt("ttl_seconds", "must be > 0, got " + ttl.get().toMillis() + "ms");
            ttl = Optional.empty();
        }
        boolean pathEncoding = node.bool("use_path_encoding", false);
        Optional<Duration> sessionTimeout = node.optionalDuration("zk_session_timeout");
        if (sessionTimeout.isPresent() && sessionTimeout.get().toMillis() < 1000) {
            node.problemAt(
                    "zk_session_timeout",
                    "must be at least 1s, got " + sessionTimeout.get().toMillis() + "ms");
            sessionTimeout = Optional.empty();
        }
        Optional<String> digest = node.optionalString("zk_digest");
        if (digest.isPresent() && !digest.get().contains(":")) {
            node.problemAt("zk_digest", "must be user:password");
            digest = Optional.empty();
        }
        return new ZooKeeperReporterConfig(hosts, path, nodeType, ttl, pathEncoding, sessionTimeout, digest);
    }

    private static RateLimitConfig readRateLimiting(ConfigNode node) {
        if (!node.isPresent() || node.isNull()) {
            return RateLimitConfig.UNLIMITED;
        }
        boolean shadow = node.bool("shadow_mode", true);
        double average = rate(node, "average_rate", 0);
        double burst = rate(node, "max_burst", 1);
        node.finish();
        return new RateLimitConfig(shadow, average, burst);
    }

    /** A non-negative number, or infinity written as {@code .inf}, {@code inf} or {@code Infinity}. */
    private static double rate(ConfigNode node, String key, double minimum) {
        JsonNode raw = node.raw().get(key);
        if (raw == null || raw.isNull()) {
            node.accept(key);
            return Double.POSITIVE_INFINITY;
        }
        if (raw.isNumber() && Double.isInfinite(raw.doubleValue())
                || raw.isTextual() && raw.asText().trim().matches("(?i)\\.?inf(inity)?")) {
            node.accept(key);
            return Double.POSITIVE_INFINITY;
        }
        double value = node.optionalNumber(key).map(Number::doubleValue).orElse(Double.POSITIVE_INFINITY);
        if (value < minimum) {
            node.problemAt(key, "must be >= " + (minimum == 0 ? "0" : "1") + ", got " + value);
            return Double.POSITIVE_INFINITY;
        }
        return value;
    }
}
