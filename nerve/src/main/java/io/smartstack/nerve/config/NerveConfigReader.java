package io.smartstack.nerve.config;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigException;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.common.config.ServiceConfDirectory;
import io.smartstack.common.metrics.StatsdTarget;
import io.smartstack.common.registration.RegistrationRules;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a Nerve configuration (the original's nerve.conf.json keys, plus ours) and validates all of
 * it, reporting every problem together. Unknown keys are errors with a suggestion; keys the original
 * accepts that this implementation does not are "not supported" errors, or, where ignoring them is
 * harmless, warnings ({@link NerveConfig#notices()}).
 */
public final class NerveConfigReader {
    public static final int DEFAULT_MAX_REPEATED_REPORT_FAILURES = 10;

    private NerveConfigReader() {}

    /**
     * Loads {@code file} and the {@code service_conf_dir} it names.
     *
     * @param instanceIdOverride {@code -i/--instance_id}, which wins over the file
     * @throws ConfigException listing every problem
     */
    public static NerveConfig load(Path file, Optional<String> instanceIdOverride) {
        return read(
                ConfigDocument.load(file),
                instanceIdOverride,
                file.toAbsolutePath().getParent());
    }

    /** Reads a parsed document; a relative {@code service_conf_dir} is resolved against {@code baseDirectory}. */
    public static NerveConfig read(ConfigDocument document, Optional<String> instanceIdOverride, Path baseDirectory) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = document.root(problems);
        Optional<String> fileInstanceId = root.optionalString("instance_id");
        String instanceId = instanceIdOverride.or(() -> fileInstanceId).orElse("");
        if (instanceId.isBlank()) {
            root.problemAt("instance_id", "is required (in the file or as -i/--instance_id)");
        } else {
            // the instance id is every registration's name, part of the HAProxy server name
            RegistrationRules.name(instanceId).ifPresent(problem -> root.problemAt("instance_id", problem.reason()));
        }
        Optional<Path> serviceConfDir = root.optionalString("service_conf_dir").map(d -> resolve(baseDirectory, d));
        Optional<Path> heartbeatPath = root.optionalString("heartbeat_path").map(Path::of);
        int maxFailures = root.integerAtLeast("max_repeated_report_failures", DEFAULT_MAX_REPEATED_REPORT_FAILURES, 1);
        Optional<StatsdTarget> statsd = StatsdTarget.read(root, "statsd");
        AdminSettings admin = readAdmin(root.map("admin"));
        if (!root.has("services") && !root.has("service_conf_dir")) {
            root.problemAt("services", "is required unless service_conf_dir is set (it may be an empty map)");
        }
        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        root.entries("services")
                .forEach((name, node) ->
                        services.put(name, ServiceReader.read(name, node, ServiceConfig.Origin.CONFIG_FILE)));
        root.finish();
        if (serviceConfDir.isPresent()) {
            try {
                ServiceConfDirectory.load(serviceConfDir.get(), EnvironmentSubstitution.system())
                        .forEach((name, serviceDocument) -> {
                            ConfigNode node = serviceDocument.root(problems);
                            services.put(name, ServiceReader.read(name, node, ServiceConfig.Origin.SERVICE_CONF_DIR));
                        });
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        problems.throwIfAny();
        List<String> notices =
                problems.warnings().stream().map(ConfigProblem::toString).toList();
        return new NerveConfig(
                instanceId, services, serviceConfDir, heartbeatPath, maxFailures, statsd, admin, notices);
    }

    /**
     * Reads one service entry (a config file entry, a service_conf_dir file or an admin API request),
     * recording problems in the node's collector.
     */
    public static ServiceConfig readService(String name, ConfigNode node, ServiceConfig.Origin origin) {
        return ServiceReader.read(name, node, origin);
    }

    private static Path resolve(Path baseDirectory, String directory) {
        Path path = Path.of(directory);
        return path.isAbsolute() || baseDirectory == null ? path : baseDirectory.resolve(path);
    }

    private static AdminSettings readAdmin(ConfigNode admin) {
        if (!admin.isPresent() || admin.isNull()) {
            return AdminSettings.DEFAULT;
        }
        String bind = admin.string("bind", AdminSettings.DEFAULT_BIND);
        int port = admin.integer("port", AdminSettings.DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            admin.problemAt("port", "must be between 0 and 65535 (0 picks a free port), got " + port);
            port = AdminSettings.DEFAULT_PORT;
        }
        admin.finish();
        return new AdminSettings(bind, port);
    }
}
