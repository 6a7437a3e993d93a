package io.smartstack.nerve.check;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.smartstack.nerve.config.CheckSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * As the original: connect, open a channel, declare the queue ({@code nerve} by default), publish a
 * message to it (expiring after 2 s) and get one back with an ack; got one = up. A new connection per
 * run, so a stopped broker fails the very next run. Adds vhost and TLS (certificate verified against the
 * JVM's CAs or {@code ssl_ca_file}, host name against the check's host).
 */
final class RabbitMqCheck implements HealthCheck {
    private final ConnectionFactory factory;
    private final String queue;
    private final TlsFailures tlsFailures;

    RabbitMqCheck(String host, int port, Duration timeout, CheckSpec.RabbitMq spec) {
        int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
        factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(spec.username());
        factory.setPassword(spec.password());
        factory.setVirtualHost(spec.vhost());
        factory.setConnectionTimeout(millis);
        factory.setHandshakeTimeout(millis);
        factory.setChannelRpcTimeout(millis);
        factory.setShutdownTimeout(millis);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setRequestedHeartbeat(0);
        if (spec.tls().enabled()) {
            factory.useSslProtocol(TlsTrust.of(spec.tls()).context());
            if (spec.tls().verify()) {
                factory.enableHostnameVerification();
            }
        }
        this.queue = spec.queue();
        this.tlsFailures = new TlsFailures(spec.tls());
    }

    @Override
    public CheckOutcome run() throws Exception {
        try {
            return roundTrip();
        } catch (java.io.IOException e) {
            if (TlsFailures.isTlsFailure(e)) {
                return tlsFailures.outcome(e);
            }
            throw e;
        }
    }

    private CheckOutcome roundTrip() throws Exception {
        try (Connection connection = factory.newConnection("nerve");
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, false, false, false, null);
            AMQP.BasicProperties properties =
                    new AMQP.BasicProperties.Builder().expiration("2000").build();
            channel.basicPublish("", queue, properties, "nerve check".getBytes(StandardCharsets.UTF_8));
            GetResponse response = channel.basicGet(queue, true);
            return response == null
                    ? CheckOutcome.fail("published to queue " + queue + " but got nothing back")
                    : CheckOutcome.pass("message round trip through queue " + queue);
        }
    }
}
