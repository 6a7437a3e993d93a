package io.smartstack.nerve.reporter;

import io.smartstack.common.zookeeper.ServerVersions;
import io.smartstack.common.zookeeper.ZooKeeperClientFactory;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Curator client (one session) shared by every service registered in the same ensemble, with the
 * single thread that performs this ensemble's writes, so that a slow or unreachable ensemble never
 * blocks a check cycle. An outage is a few log lines: lost, still lost after N s (reminders at doubling
 * intervals from {@code firstReminder}, at most every 10 minutes), back after N s. The ZooKeeper client's
 * own per-attempt lines are silenced by LoggingDefaults.
 */
public final class SharedZooKeeper {
    private static final Logger log = LoggerFactory.getLogger(SharedZooKeeper.class);

    private final String connectString;
    private final CuratorFramework client;
    private static final Duration MAX_REMINDER = Duration.ofMinutes(10);

    private final ScheduledThreadPoolExecutor writer;
    private final Duration firstReminder;
    private final ACLProvider aclProvider;
    private volatile ConnectionState state = ConnectionState.LOST;
    private volatile boolean everConnected;
    private long outageStartNanos;
    private ScheduledFuture<?> reminder;

    SharedZooKeeper(ZooKeeperSettings settings, CuratorFramework client, int number, Duration firstReminder) {
        this.connectString = settings.connectString();
        this.aclProvider = ZooKeeperClientFactory.aclProvider(settings);
        this.client = client;
        this.firstReminder = firstReminder;
        this.writer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "nerve-zookeeper-" + number);
            thread.setDaemon(true);
            return thread;
        });
        writer.setRemoveOnCancelPolicy(true);
    }

    /** The ACLs of the nodes this client creates (for creates on the plain ZooKeeper handle). */
    ACLProvider aclProvider() {
        return aclProvider;
    }

    void start() {
        client.getConnectionStateListenable().addListener((c, newState) -> onStateChange(newState));
        client.start();
        ServerVersions.of(client); // learnt once connected; registrations pick their calls from it
    }

    private synchronized void onStateChange(ConnectionState newState) {
        state = newState;
        switch (newState) {
            case CONNECTED -> {
                if (!everConnected) {
                    everConnected = true;
                    log.info("connected to ZooKeeper {}", connectString);
                } else {
                    back();
                }
            }
            case RECONNECTED -> back();
            case SUSPENDED -> {
                log.warn(
                        "lost the connection to ZooKeeper {}; registrations are kept while the session lives",
                        connectString);
                outageStarted();
            }
            case LOST -> {
                log.warn(
                        "ZooKeeper session with {} lost; registrations will be re-created on reconnect", connectString);
                outageStarted();
            }
            default -> log.info("ZooKeeper {} connection state {}", connectString, newState);
        }
    }

    private void outageStarted() {
        if (reminder != null) {
            return;
        }
        outageStartNanos = System.nanoTime();
        scheduleReminder(firstReminder);
    }

    private void scheduleReminder(Duration delay) {
        try {
            reminder = writer.schedule(() -> remind(delay), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private synchronized void remind(Duration delay) {
        if (reminder == null) {
            return;
        }
        log.warn("ZooKeeper {} still unreachable after {} s", connectString, secondsSinceOutage());
        Duration next = delay.multipliedBy(2);
        scheduleReminder(next.compareTo(MAX_REMINDER) > 0 ? MAX_REMINDER : next);
    }

    private void back() {
        if (reminder == null) {
            log.info("ZooKeeper {} is back", connectString);
            return;
        }
        reminder.cancel(false);
        reminder = null;
        log.info("ZooKeeper {} is back after {} s", connectString, secondsSinceOutage());
    }

    private long secondsSinceOutage() {
        return Math.round((System.nanoTime() - outageStartNanos) / 1e9);
    }

    public String connectString() {
        return connectString;
    }

    public boolean isConnected() {
        return client.getZookeeperClient().isConnected();
    }

    public ConnectionState state() {
        return state;
    }

    public boolean everConnected() {
        return everConnected;
    }

    /** The current session id, or 0 while not connected. */
    public long sessionId() {
        if (!isConnected()) {
            return 0;
        }
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    CuratorFramework client() {
        return client;
    }

    Future<?> submit(Runnable write) {
        return writer.submit(write);
    }

    void close() {
        writer.shutdownNow();
        client.close();
    }
}
