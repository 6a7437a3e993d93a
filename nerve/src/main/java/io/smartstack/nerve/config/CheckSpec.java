package io.smartstack.nerve.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a check of one type needs beyond the keys every check has. */
public sealed interface CheckSpec {
    /**
     * {@code http}: one request; 200-399 is up, redirects are not followed.
     *
     * @param sslVerify verify the server certificate and host name ({@code ssl_verify}, default true)
     */
    record Http(
            String uri,
            String method,
            Map<String, String> headers,
            Optional<String> expect,
            boolean ssl,
            boolean sslVerify,
            Duration openTimeout,
            Duration readTimeout)
            implements CheckSpec {
        public Http {
            headers = Map.copyOf(headers);
        }
    }

    /** {@code tcp}: connect within the timeout. */
    record Tcp() implements CheckSpec {}

    /** {@code redis}: PING and EXISTS; with {@code requireMaster}, up only while the role is master. */
    record Redis(
            Optional<String> username,
            Optional<String> password,
            int database,
            boolean ssl,
            boolean sslVerify,
            boolean requireMaster)
            implements CheckSpec {}

    /** {@code rabbitmq}: declare a queue, publish to it and get the message back. */
    record RabbitMq(String username, String password, String vhost, String queue, boolean ssl, boolean sslVerify)
            implements CheckSpec {}

    /** {@code exec}: run a command; exit 0 is up, killed at the timeout. */
    record Exec(List<String> command, boolean shell, Optional<String> directory) implements CheckSpec {
        public Exec {
            command = List.copyOf(command);
        }
    }

    /** {@code noop}: always up. */
    record Noop() implements CheckSpec {}
}
