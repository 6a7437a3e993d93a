package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.ExecutableLookup;
import io.smartstack.synapse.haproxy.process.CommandResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the installed HAProxy build offers, from {@code haproxy -vv}. */
final class HaproxyBuild {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyBuild.class);

    private HaproxyBuild() {}

    /** Whether {@code haproxy -vv} lists the {@code prometheus-exporter} service; false when haproxy is not found. */
    static boolean hasPrometheusExporter(String haproxy) {
        if (ExecutableLookup.resolve(haproxy).isEmpty()) {
            return false;
        }
        try {
            return CommandResult.run(List.of(haproxy, "-vv"), Duration.ofSeconds(10))
                    .output()
                    .contains("prometheus-exporter");
        } catch (IOException e) {
            LOG.warn("cannot run {} -vv, assuming no Prometheus exporter: {}", haproxy, e.getMessage());
            return false;
        }
    }
}
