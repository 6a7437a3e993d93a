package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckSpec;
import java.time.Duration;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A new connection per run, as the original: PING, then EXISTS {@code nerve-redis-service-check}
 * (which proves a proxy such as twemproxy reaches a backend). Adds AUTH, a database, TLS and
 * {@code require_master}: up only while {@code INFO replication} says {@code role:master}.
 */
final class RedisCheck implements HealthCheck {
    static final String PROBE_KEY = "nerve-redis-service-check";

    private final HostAndPort address;
    private final DefaultJedisClientConfig clientConfig;
    private final boolean requireMaster;

    RedisCheck(String host, int port, Duration timeout, CheckSpec.Redis spec) {
        this.address = new HostAndPort(host, port);
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(spec.database())
                .clientName("nerve")
                .ssl(spec.ssl());
        spec.username().ifPresent(builder::user);
        spec.password().ifPresent(builder::password);
        if (spec.ssl() && !spec.sslVerify()) {
            builder.sslSocketFactory(HttpClients.TrustEverything.context().getSocketFactory())
                    .hostnameVerifier((hostname, session) -> true);
        }
        this.clientConfig = builder.build();
        this.requireMaster = spec.requireMaster();
    }

    @Override
    public CheckOutcome run() {
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
