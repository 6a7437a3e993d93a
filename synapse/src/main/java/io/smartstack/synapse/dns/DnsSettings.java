package io.smartstack.synapse.dns;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The top-level {@code dns} section, validated, with its defaults. Key by key in docs/synapse-config.md.
 *
 * @param bindAddress the address the server listens on, UDP and TCP (default {@code 127.0.0.1})
 * @param port the port, UDP and TCP (default 8053)
 * @param domain the zone answered: {@code <service>.<domain>} (default {@code smartstack.internal.})
 * @param ttl the TTL of every answer, and of the negative answers (default 5 seconds)
 * @param disabledServices services whose {@code dns} section says {@code disabled: true}
 */
record DnsSettings(String bindAddress, int port, Name domain, Duration ttl, Set<String> disabledServices) {
    static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    static final int DEFAULT_PORT = 8053;
    static final String DEFAULT_DOMAIN = "smartstack.internal.";
    static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    DnsSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(ttl, "ttl");
        if (!domain.isAbsolute()) {
            throw new IllegalArgumentException("domain must be absolute: " + domain);
        }
        disabledServices = Set.copyOf(disabledServices);
    }

    long ttlSeconds() {
        return ttl.toSeconds();
    }
}
