package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckSpec;
import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A new connection per run, as the original: PING, then EXISTS {@code nerve-redis-service-check}
 * (which proves a proxy such as twemproxy reaches a backend). Adds AUTH, a database, TLS (the certificate
 * verified against the JVM's CAs or {@code ssl_ca_file}, and the host name against the check's host) and
 * {@code require_master}: up only while {@code INFO replication} says {@code role:master}.
 */
final class RedisCheck implements HealthCheck {
    static final String PROBE_KEY = "nerve-redis-service-check";

    private final HostAndPort address;
    private final DefaultJedisClientConfig clientConfig;
    private final boolean requireMaster;
    private final TlsFailures tlsFailures;

    RedisCheck(String host, int port, Duration timeout, CheckSpec.Redis spec) {
        this.address = new HostAndPort(host, port);
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(spec.database())
                .clientName("nerve")
                .ssl(spec.tls().enabled());
        spec.username().ifPresent(builder::user);
        spec.password().ifPresent(builder::password);
        if (spec.tls().enabled()) {
            builder.sslSocketFactory(TlsTrust.of(spec.tls()).context().getSocketFactory());
            if (spec.tls().verify()) {
                builder.sslParameters(TlsTrust.hostChecking());
            }
        }
        this.clientConfig = builder.build();
        this.tlsFailures = new TlsFailures(spec.tls());
        this.requireMaster = spec.requireMaster();
    }

    @Override
    public CheckOutcome run() {
        try {
            return exchange();
        } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            if (TlsFailures.isTlsFailure(e)) {
                return tlsFailures.outcome(e);
            }
            throw e;
        }
    }

    private CheckOutcome exchange() {
        try (Jedis jedis = new Jedis(address, clientConfig)) {
            String pong = jedis.ping();
            if (!"PONG".equalsIgnoreCase(pong)) {
                return CheckOutcome.fail("PING answered '" + pong + "'");
            }
            jedis.exists(PROBE_KEY);
            if (requireMaster) {
                String role = role(jedis.info("replication"));
                if (!role.equals("master")) {
                    return CheckOutcome.fail("role is " + role + ", require_master wants master");
                }
                return CheckOutcome.pass("PONG, role master");
            }
            return CheckOutcome.pass("PONG");
        }
    }

    static String role(String info) {
        return info.lines()
                .filter(line -> line.startsWith("role:"))
                .map(line -> line.substring("role:".length()).trim())
                .findFirst()
                .orElse("unknown");
    }
}
