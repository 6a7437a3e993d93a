package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.ExecutableLookup;
import io.smartstack.synapse.haproxy.process.CommandResult;
import io.smartstack.synapse.haproxy.render.HaproxyVersion;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the installed HAProxy build offers, from one run of {@code haproxy -vv}: its version (which decides
 * the lines Synapse adds itself) and whether it has the {@code prometheus-exporter} service.
 *
 * @param version empty when haproxy was not found or did not say
 */
record HaproxyBuild(Optional<HaproxyVersion> version, boolean prometheusExporter) {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyBuild.class);
    static final HaproxyBuild UNKNOWN = new HaproxyBuild(Optional.empty(), false);

    static HaproxyBuild of(String haproxy) {
        if (ExecutableLookup.resolve(haproxy).isEmpty()) {
            return UNKNOWN;
        }
        try {
            String output = CommandResult.run(List.of(haproxy, "-vv"), Duration.ofSeconds(10))
                    .output();
            return new HaproxyBuild(HaproxyVersion.parse(output), output.contains("prometheus-exporter"));
        } catch (IOException e) {
            LOG.warn(
                    "cannot run {} -vv, assuming the current version without a Prometheus exporter: {}",
                    haproxy,
                    e.getMessage());
            return UNKNOWN;
        }
    }

    /** Whether {@code haproxy -vv} lists the {@code prometheus-exporter} service; false when haproxy is not found. */
    static boolean hasPrometheusExporter(String haproxy) {
        return of(haproxy).prometheusExporter();
    }
}
