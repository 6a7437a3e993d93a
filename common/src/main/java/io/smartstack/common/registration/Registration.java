package io.smartstack.common.registration;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one healthy service instance publishes in ZooKeeper: the registration Nerve writes and Synapse
 * reads. Optional fields are absent from the wire format when not set.
 *
 * @param host address consumers connect to
 * @param port port consumers connect to
 * @param name the writer's instance id (Nerve's {@code instance_id}); may be null for serverset nodes
 *     without a shard
 * @param weight HAProxy weight, if configured
 * @param haproxyServerOptions extra HAProxy server-line options, if configured
 * @param labels free-form labels (availability zone, region), empty when not configured
 */
public record Registration(
        String host,
        int port,
        String name,
        OptionalInt weight,
        Optional<String> haproxyServerOptions,
        Map<String, String> labels) {

    public Registration {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(haproxyServerOptions, "haproxyServerOptions");
        labels = labels == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (weight.isPresent() && weight.getAsInt() < 0) {
            throw new IllegalArgumentException("weight < 0: " + weight.getAsInt());
        }
    }

    /** A registration with only host, port and name, as most services write it. */
    public static Registration of(String host, int port, String name) {
        return new Registration(host, port, name, OptionalInt.empty(), Optional.empty(), Map.of());
    }

    public Registration withWeight(int newWeight) {
        return new Registration(host, port, name, OptionalInt.of(newWeight), haproxyServerOptions, labels);
    }

    public Registration withHaproxyServerOptions(String options) {
        return new Registration(host, port, name, weight, Optional.of(options), labels);
    }

    public Registration withLabels(Map<String, String> newLabels) {
        return new Registration(host, port, name, weight, haproxyServerOptions, newLabels);
    }
}
