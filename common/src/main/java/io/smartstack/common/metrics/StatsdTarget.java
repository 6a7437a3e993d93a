package io.smartstack.common.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import io.smartstack.common.config.ConfigNode;
import java.util.Objects;
import java.util.Optional;

/**
 * Where both daemons push their metrics as DogStatsD lines: the originals' {@code statsd} key, written
 * either as {@code "host:port"} or as the originals' map {@code {host: localhost, port: 8125}}
 * ({@code sample_rate} is accepted and ignored).
 */
public record StatsdTarget(String host, int port) {
    public static final StatsdTarget DEFAULT = new StatsdTarget("localhost", 8125);

    public StatsdTarget {
        Objects.requireNonNull(host, "host");
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
            node.finish();
            return Optional.of(new StatsdTarget(host, port));
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

    /** A registry pushing every meter to this target, line by line (few lines: no waiting to fill a packet). */
    public StatsdMeterRegistry registry() {
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
        return new StatsdMeterRegistry(config, Clock.SYSTEM);
    }
}
