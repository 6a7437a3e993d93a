package io.smartstack.nerve.config;

/** Where the {@code statsd} key sends metrics (DogStatsD flavour, as the original). */
public record StatsdTarget(String host, int port) {
    public static final StatsdTarget DEFAULT = new StatsdTarget("localhost", 8125);
}
