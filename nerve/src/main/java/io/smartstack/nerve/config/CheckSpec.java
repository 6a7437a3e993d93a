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
     * @param tls {@code ssl}, {@code ssl_verify}, {@code ssl_ca_file}
     */
    record Http(
            String uri,
            String method,
            Map<String, String> headers,
            Optional<String> expect,
            TlsSettings tls,
            Duration openTimeout,
            Duration readTimeout)
            implements CheckSpec {
        public Http {
            headers = Map.copyOf(headers);
        }

        public boolean ssl() {
            return tls.enabled();
        }
    }

    /** {@code tcp}: connect within the timeout. */
    record Tcp() implements CheckSpec {}

    /** {@code redis}: PING and EXISTS; with {@code requireMaster}, up only while the role is master. */
    record Redis(
            Optional<String> username, Optional<String> password, int database, TlsSettings tls, boolean requireMaster)
            implements CheckSpec {}

    /** {@code rabbitmq}: declare a queue, publish to it and get the message back. */
    record RabbitMq(String username, String password, String vhost, String queue, TlsSettings tls)
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
