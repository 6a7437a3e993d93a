package io.smartstack.nerve.reporter;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A ZooKeeper outage, through the shipped logging levels (LoggingDefaults), is a few lines: lost, session lost, still
 * unreachable after N s (doubling), back after N s; never one per reconnect attempt, also not from the
 * ZooKeeper client or Curator.
 */
class OutageLogTest {
    @Test
    void anOutageIsAFewLinesNotOnePerReconnectAttempt() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        try (TestingServer server = new TestingServer(true);
                ZooKeeperPool pool = new ZooKeeperPool(Duration.ofSeconds(1))) {
            SharedZooKeeper zooKeeper = pool.acquire(new ZooKeeperSettings(
                    List.of(server.getConnectString()),
                    "",
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1),
                    Optional.empty()));
            await().atMost(Duration.ofSeconds(10)).until(zooKeeper::isConnected);
            int before = appender.list.size();

            server.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> zooKeeper.state() == ConnectionState.LOST);
            // well past the session: dozens of reconnect attempts
            await().pollDelay(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(6))
                    .until(() -> true);
            server.restart();
            await().atMost(Duration.ofSeconds(20)).until(zooKeeper::isConnected);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> lines(appender, before).stream().anyMatch(line -> line.contains("is back after")));

            List<String> outage = lines(appender, before);
            assertTrue(outage.size() <= 7, "an outage of ~7 s logged " + outage.size() + " lines:\n" + outage);
            assertTrue(outage.stream().anyMatch(line -> line.contains("still unreachable after")), outage.toString());
            assertEquals(
                    List.of(),
                    outage.stream()
                            .filter(line -> line.startsWith("org.apache"))
                            .toList(),
                    "the client libraries' own lines");
        } finally {
            root.detachAppender(appender);
        }
    }

    private static List<String> lines(ListAppender<ILoggingEvent> appender, int from) {
        List<ILoggingEvent> events = List.copyOf(appender.list);
        return events.subList(from, events.size()).stream()
                .filter(event -> event.getLoggerName().startsWith("org.apache.zookeeper.ClientCnxn")
                        || event.getLoggerName().startsWith("org.apache.curator")
                        || event.getLoggerName().startsWith("io.smartstack.nerve.reporter"))
                .map(event -> event.getLoggerName() + " " + event.getLevel() + " " + event.getFormattedMessage())
                .toList();
    }
}
