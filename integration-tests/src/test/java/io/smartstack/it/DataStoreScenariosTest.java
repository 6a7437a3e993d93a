package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.smartstack.it.support.NerveProcess;
import io.smartstack.it.support.SharedZooKeeperStackTest;
import io.smartstack.it.support.Stack.NerveTiming;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.RabbitMqServer;
import io.smartstack.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * TCP services behind Nerve and Synapse (bin/ processes, managed HAProxy) with real data stores: a Redis
 * master and its replica, a RabbitMQ broker. Clients connect to HAProxy on localhost, as applications do.
 */
class DataStoreScenariosTest extends SharedZooKeeperStackTest {
    private static final Duration ROUTED = Duration.ofSeconds(30);
    private static final NerveTiming TIMING = NerveTiming.FAST.withFall(1, Duration.ofMillis(500));

    @Test
    void aRedisReplicaIsNeverRoutedToWhileItsMasterIs() {
        try (RedisServer master = RedisServer.start(temp.resolve("redis-master"));
                RedisServer replica = RedisServer.startReplicaOf(master, temp.resolve("redis-replica"))) {
            String check = "{type: redis, require_master: true, timeout: 0.5, rise: 1, fall: 1}";
            int frontend = FreePorts.next();
            SynapseProcess synapse = stack.synapse(tcpService("redis", frontend, ""));
            stack.nerve("redis-master", stack.service("redis", master.port(), TIMING, check));
            NerveProcess replicaNerve =
                    stack.nerve("redis-replica", stack.service("redis", replica.port(), TIMING, check));

            await().atMost(ROUTED).until(() -> synapse.backendNames("redis").equals(List.of("redis-master")));
            await().atMost(ROUTED).until(() -> answersThrough(frontend, 1).containsKey(master.port()));
            await().atMost(ROUTED)
                    .until(() -> replicaNerve
                                    .service("redis")
                                    .path("checks")
                                    .path(0)
                                    .path("consecutive_failures")
                                    .asInt()
                            >= 3);
            JsonNode replicaStatus = replicaNerve.service("redis");
            assertThat(replicaStatus.path("checks").path(0).path("last_reason").asText())
                    .as("the replica's check says why it is down")
                    .containsIgnoringCase("role");
            assertThat(replicaStatus.path("registered").asBoolean())
                    .as("the replica's Nerve runs its check but never registers it")
                    .isFalse();

            // Over several check intervals, every connection through HAProxy lands on the master.
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            Map<Integer, Integer> answers = new TreeMap<>();
            while (System.nanoTime() < until) {
                answersThrough(frontend, 5).forEach((port, count) -> answers.merge(port, count, Integer::sum));
            }
            assertThat(answers).containsOnlyKeys(master.port());
            assertThat(answers.get(master.port())).isGreaterThanOrEqualTo(10);
            assertThat(synapse.backendNames("redis")).containsExactly("redis-master");

            // Failover: the replica is promoted and the old master follows it; traffic follows the role.
            try (Jedis toReplica = new Jedis("127.0.0.1", replica.port());
                    Jedis toMaster = new Jedis("127.0.0.1", master.port())) {
                toReplica.replicaofNoOne();
                toMaster.replicaof("127.0.0.1", replica.port());
            }
            await().atMost(ROUTED).until(() -> synapse.backendNames("redis").equals(List.of("redis-replica")));
            await().atMost(ROUTED)
                    .until(() -> answersThrough(frontend, 10).keySet().equals(java.util.Set.of(replica.port())));
        }
    }

    @Test
    void stoppingRabbitMqTakesItsBackendOut() throws Exception {
        try (RabbitMqServer broker = RabbitMqServer.start(temp.resolve("rabbitmq"))) {
            int frontend = FreePorts.next();
            SynapseProcess synapse = stack.synapse(tcpService("amqp", frontend, "    use_previous_backends: false\n"));
            stack.nerve(
                    "rabbit-1",
                    stack.service("amqp", broker.port(), TIMING, "{type: rabbitmq, timeout: 2, rise: 1, fall: 1}"));
            await().atMost(ROUTED).until(() -> synapse.backendNames("amqp").equals(List.of("rabbit-1")));
            await().atMost(ROUTED)
                    .until(() -> synapse.haproxyServers().containsKey(serverOf("amqp", "rabbit-1", broker)));
            ConnectionFactory factory = amqpThrough(frontend);
            try (Connection connection = factory.newConnection()) {
                assertThat(connection.isOpen())
                        .as("an AMQP client connects through HAProxy")
                        .isTrue();
            }

            broker.stopBroker();
            long stopped = System.nanoTime();
            Duration bound = Duration.ofSeconds(5);
            await().atMost(bound).pollInterval(Duration.ofMillis(100)).until(() -> synapse.backendNames("amqp")
                    .isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThanOrEqualTo(bound);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> synapse.haproxyServers().keySet().stream().noneMatch(s -> s.startsWith("amqp/")));
            assertThatThrownBy(factory::newConnection)
                    .as("HAProxy has no server left for amqp")
                    .isInstanceOf(Exception.class);
        }
    }

    private static String serverOf(String service, String name, RabbitMqServer broker) {
        return service + "/" + name + "_127.0.0.1:" + broker.port();
    }

    private static ConnectionFactory amqpThrough(int port) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setConnectionTimeout(3000);
        factory.setHandshakeTimeout(3000);
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    /** {@code count} new connections through HAProxy: which Redis (by its port, from INFO) answered each. */
    private static Map<Integer, Integer> answersThrough(int port, int count) {
        Map<Integer, Integer> answers = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            try (Jedis jedis = new Jedis("127.0.0.1", port, 2000)) {
                String info = jedis.info();
                int answeredBy = Integer.parseInt(field(info, "tcp_port"));
                assertThat(field(info, "role"))
                        .as("role of the Redis on %d", answeredBy)
                        .isEqualTo("master");
                answers.merge(answeredBy, 1, Integer::sum);
            }
        }
        return answers;
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in INFO: " + info);
    }

    private String tcpService(String service, int port, String extraKeys) {
        return """
                  %s:
                    discovery: %s
                %s    haproxy:
                      port: %d
                      bind_address: 127.0.0.1
                      listen: [mode tcp]
                """
                .formatted(service, stack.discovery(service), extraKeys, port);
    }
}
