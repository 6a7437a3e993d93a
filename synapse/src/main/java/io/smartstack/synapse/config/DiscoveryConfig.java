package io.smartstack.synapse.config;

import io.smartstack.common.registration.RegistrationFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A service's {@code discovery} section: where its backends come from. */
public sealed interface DiscoveryConfig {
    /** The {@code method} value this configuration was read from. */
    String method();

    /**
     * {@code zookeeper} (watched) or {@code zookeeper_poll} (polled every {@code pollingInterval}).
     *
     * @param hosts ensemble members, {@code host:port}
     * @param path the znode whose children are the registrations
     * @param format {@code decode}: nerve (default) or serverset
     * @param generatorConfigPath znode holding per-generator config as JSON; empty = {@code disabled}
     * @param pollingInterval empty for the watching method; the poll period for {@code zookeeper_poll}
     * @param retryPolicy {@code retry_policy}: how ZooKeeper operations are retried; empty = the default
     * @param discoveryJitter {@code discovery_jitter}: a change that comes within this long of the last
     *     publication is published after a random delay of up to this long; empty = at once
     */
    record ZooKeeper(
            List<String> hosts,
            String path,
            RegistrationFormat format,
            Optional<String> generatorConfigPath,
            Optional<Duration> pollingInterval,
            Optional<RetryPolicySettings> retryPolicy,
            Optional<Duration> discoveryJitter)
            implements DiscoveryConfig {
        public ZooKeeper {
            hosts = List.copyOf(hosts);
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(generatorConfigPath, "generatorConfigPath");
            Objects.requireNonNull(pollingInterval, "pollingInterval");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(discoveryJitter, "discoveryJitter");
        }

        /** Default retry policy and no jitter. */
        public ZooKeeper(
                List<String> hosts,
                String path,
                RegistrationFormat format,
                Optional<String> generatorConfigPath,
                Optional<Duration> pollingInterval) {
            this(hosts, path, format, generatorConfigPath, pollingInterval, Optional.empty(), Optional.empty());
        }

        @Override
        public String method() {
            return pollingInterval.isPresent() ? "zookeeper_poll" : "zookeeper";
        }
    }

    /**
     * {@code dns}: each server's host is resolved every {@code checkInterval}; one backend per address.
     */
    record Dns(List<DnsServer> servers, Duration checkInterval) implements DiscoveryConfig {
        public Dns {
            servers = List.copyOf(servers);
            Objects.requireNonNull(checkInterval, "checkInterval");
        }

        @Override
        public String method() {
            return "dns";
        }
    }

    /** One entry of {@code discovery.servers} for {@code dns}. */
    record DnsServer(String name, String host, int port, Map<String, String> labels) {
        public DnsServer {
            Objects.requireNonNull(host, "host");
            labels = Map.copyOf(labels);
        }
    }

    /** {@code base}: only the default servers. */
    record Base() implements DiscoveryConfig {
        @Override
        public String method() {
            return "base";
        }
    }
}
