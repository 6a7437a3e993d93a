package io.smartstack.nerve.config;

import io.smartstack.common.metrics.StatsdTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole Nerve configuration after validation.
 *
 * @param instanceId written as {@code name} in every registration
 * @param services by name, config file entries overridden by same-named {@code service_conf_dir} files
 * @param maxRepeatedReportFailures consecutive failed reports after which a reporter forgets its node
 *     and registers from scratch
 * @param statsd where to push metrics, if configured
 * @param notices one sentence per accepted key that has no effect here (logged once at start)
 */
public record NerveConfig(
        String instanceId,
        Map<String, ServiceConfig> services,
        Optional<Path> serviceConfDir,
        Optional<Path> heartbeatPath,
        int maxRepeatedReportFailures,
        Optional<StatsdTarget> statsd,
        AdminSettings admin,
        List<String> notices) {

    public NerveConfig {
        notices = List.copyOf(notices);
        services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
    }
}
