package io.smartstack.nerve.reporter;

import io.smartstack.common.zookeeper.ZooKeeperSettings;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Curator client (one session) shared by every service registered in the same ensemble, with the
 * single thread that performs this ensemble's writes, so that a slow or unreachable ensemble never
 * blocks a check cycle. Logs one line per connection transition.
 */
public final class SharedZooKeeper {
    private static final Logger log = LoggerFactory.getLogger(SharedZooKeeper.class);

    private final String connectString;
    private final CuratorFramework client;
    private final ExecutorService writer;
    private volatile ConnectionState state = ConnectionState.LOST;
    private volatile boolean everConnected;

    SharedZooKeeper(ZooKeeperSettings settings, CuratorFramework client, int number) {
        this.connectString = settings.connectString();
        this.client = client;
        this.writer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "nerve-zookeeper-" + number);
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        client.getConnectionStateListenable().addListener((c, newState) -> onStateChange(newState));
        client.start();
    }

    private void onStateChange(ConnectionState newState) {
        state = newState;
        switch (newState) {
            case CONNECTED -> {
                everConnected = true;
                log.info("connected to ZooKeeper {}", connectString);
            }
            case RECONNECTED -> log.info("ZooKeeper {} is back", connectString);
            case SUSPENDED ->
                log.warn(
                        "lost the connection to ZooKeeper {}; registrations are kept while the session lives",
                        connectString);
            case LOST ->
                log.warn(
                        "ZooKeeper session with {} lost; registrations will be re-created on reconnect", connectString);
            default -> log.info("ZooKeeper {} connection state {}", connectString, newState);
        }
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
