package io.smartstack.nerve.config;

import io.smartstack.common.config.ConfigNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads one entry of a service's {@code checks}. */
final class CheckReader {
    static final List<String> TYPES = List.of("http", "tcp", "redis", "rabbitmq", "exec", "noop");
    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
    static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofMillis(200);

    private CheckReader() {}

    static Optional<CheckConfig> read(String service, String serviceHost, int servicePort, ConfigNode node) {
        if (!node.has("type")) {
            node.problemAt("type", "is required (one of " + String.join(", ", TYPES) + ")");
        }
        String type = node.oneOf("type", null, TYPES);
        String host = node.string("host", serviceHost);
        int port = node.optionalPort("port").orElse(servicePort);
        String name = node.string("name", service + " " + type + "-" + host + ":" + port);
        Duration timeout = node.positiveDuration("timeout", DEFAULT_TIMEOUT);
        int rise = node.integerAtLeast("rise", 1, 1);
        int fall = node.integerAtLeast("fall", 1, 1);
        node.notSupported("module", "checks from Ruby gems; use the exec check to run any program");
        CheckSpec spec = type == null ? null : spec(type, timeout, node);
        if (spec == null) {
            // The type is already reported; its other keys cannot be judged without it.
            node.keys().forEach(node::accept);
        }
        node.finish();
        return spec == null
                ? Optional.empty()
                : Optional.of(new CheckConfig(type, name, host, port, timeout, rise, fall, spec));
    }

    private static CheckSpec spec(String type, Duration timeout, ConfigNode node) {
        return switch (type) {
            case "http" -> http(timeout, node);
            case "tcp" -> new CheckSpec.Tcp();
            case "redis" ->
                new CheckSpec.Redis(
                        node.optionalString("username"),
                        node.optionalString("password"),
                        node.integerAtLeast("database", 0, 0),
                        TlsSettings.read(node),
                        node.bool("require_master", false));
            case "rabbitmq" ->
                new CheckSpec.RabbitMq(
                        node.string("username", "guest"),
                        node.string("password", "guest"),
                        node.string("vhost", "/"),
                        node.string("queue", "nerve"),
                        TlsSettings.read(node));
            case "exec" -> exec(node);
            case "noop" -> new CheckSpec.Noop();
            default -> throw new IllegalStateException("unhandled check type " + type);
        };
    }

    private static CheckSpec http(Duration timeout, ConfigNode node) {
        String uri = node.requiredString("uri");
        if (!uri.isEmpty() && !uri.startsWith("/")) {
            node.problemAt("uri", "must be a path starting with /, got '" + uri + "'");
        }
        String method = node.string("method", "GET").toUpperCase(java.util.Locale.ROOT);
        node.ignored(
                "ssl_timeout",
                "the original's separate limit on the TLS handshake; here the handshake counts against"
                        + " open_timeout + read_timeout, which bound the whole check");
        return new CheckSpec.Http(
                uri,
                method,
                node.stringMap("headers"),
                node.optionalString("expect"),
                TlsSettings.read(node),
                node.positiveDuration("open_timeout", DEFAULT_OPEN_TIMEOUT),
                node.positiveDuration("read_timeout", timeout));
    }

    private static CheckSpec exec(ConfigNode node) {
        boolean shell = node.bool("shell", false);
        List<String> command = node.stringList("command");
        if (command.isEmpty()) {
            node.problemAt("command", "is required (a list: program and arguments)");
        } else if (command.size() == 1 && !shell) {
            command = Arrays.stream(command.get(0).trim().split("\\s+")).toList();
        } else if (shell && command.size() > 1) {
            command = List.of(String.join(" ", command));
        }
        return new CheckSpec.Exec(command, shell, node.optionalString("directory"));
    }
}
