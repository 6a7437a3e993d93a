package io.smartstack.common.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import io.smartstack.common.config.ConfigNode;
import java.util.Objects;
import java.util.Optional;

/**
 * Where both daemons push their metrics as DogStatsD lines: the originals' {@code statsd} key, written
 * either as {@code "host:port"} or as the originals' map {@code {host: localhost, port: 8125,
 * metric_names: own|original}} ({@code sample_rate} is accepted and ignored).
 *
 * @param metricNames which names the lines carry: this project's meters, or the originals' metric names
 *     (only the meters that have a counterpart, see {@link OriginalNames})
 */
public record StatsdTarget(String host, int port, MetricNames metricNames) {
    public static final StatsdTarget DEFAULT = new StatsdTarget("localhost", 8125);

    /** The names statsd lines carry. */
    public enum MetricNames {
        /** This project's meters, as at {@code /metrics}. */
        OWN,
        /** The original daemons' metric names and tags, for dashboards built on them. */
        ORIGINAL
    }

    public StatsdTarget(String host, int port) {
        this(host, port, MetricNames.OWN);
    }

    public StatsdTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(metricNames, "metricNames");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Reads {@code key} of {@code parent}; absent or null means no push. Problems are recorded on the node. */
    public static Optional<StatsdTarget> read(ConfigNode parent, String key) {
        ConfigNode node = parent.child(key);
        if (!node.isPresent() || node.isNull()) {
            return Optional.empty();
        }
        if (node.isMap()) {
            String host = node.string("host", DEFAULT.host());
            int port = node.optionalPort("port").orElse(DEFAULT.port());
            node.accept("sample_rate");
            String names = node.string("metric_names", "own");
            MetricNames metricNames = MetricNames.OWN;
            if (names.equals("original")) {
                metricNames = MetricNames.ORIGINAL;
            } else if (!names.equals("own")) {
                node.problemAt("metric_names", "must be own or original, got '" + names + "'");
            }
            node.finish();
            return Optional.of(new StatsdTarget(host, port, metricNames));
        }
        String text = parent.string(key, "");
        int colon = text.lastIndexOf(':');
        String portText = colon < 0 ? "" : text.substring(colon + 1);
        if (colon == 0
                || !portText.matches("\\d{1,5}")
                || Integer.parseInt(portText) < 1
                || Integer.parseInt(portText) > 65535) {
            parent.problemAt(key, "must be host:port (port 1-65535) or a map with host and port, got '" + text + "'");
            return Optional.empty();
        }
        return Optional.of(new StatsdTarget(text.substring(0, colon), Integer.parseInt(portText)));
    }

    /**
     * A registry pushing to this target, line by line (few lines: no waiting to fill a packet): every meter,
     * or with {@link MetricNames#ORIGINAL} only those {@code originals} renames, under the originals' names.
     */
    public StatsdMeterRegistry registry(OriginalNames originals) {
        if (metricNames == MetricNames.OWN) {
            return registry();
        }
        StatsdMeterRegistry registry = StatsdMeterRegistry.builder(config())
                .lineBuilder(OriginalLineBuilder::new)
                .build();
        // the originals' names are sent as written (no camel-case or dot conversion)
        registry.config().namingConvention(NamingConvention.identity);
        registry.config().meterFilter(originals.filter());
        return registry;
    }

    /** A registry pushing every meter to this target under this project's names. */
    public StatsdMeterRegistry registry() {
        return new StatsdMeterRegistry(config(), Clock.SYSTEM);
    }

    private StatsdConfig config() {
        StatsdConfig config = new StatsdConfig() {
            @Override
            public String get(String configKey) {
                return null;
            }

            @Override
            public StatsdFlavor flavor() {
                return StatsdFlavor.DATADOG;
            }

            @Override
            public String host() {
                return host;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public boolean buffered() {
                return false;
            }
        };
        return config;
    }
}
