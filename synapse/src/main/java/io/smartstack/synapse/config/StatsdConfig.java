package io.smartstack.synapse.config;

import java.util.Objects;

/** The {@code statsd} section: where metrics are pushed, as StatsD/DogStatsD lines. */
public record StatsdConfig(String host, int port) {
    public StatsdConfig {
        Objects.requireNonNull(host, "host");
    }
}
