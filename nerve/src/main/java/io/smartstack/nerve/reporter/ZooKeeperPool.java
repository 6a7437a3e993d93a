package io.smartstack.nerve.reporter;

import io.smartstack.common.zookeeper.ZooKeeperClientFactory;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out one {@link SharedZooKeeper} per ensemble (sorted host list, session timeout and
 * credentials), counting references; the last release closes the client, which also ends its
 * session and so removes every ephemeral node it still owns.
 */
public final class ZooKeeperPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperPool.class);

    private final Map<String, Entry> clients = new HashMap<>();
    private final java.time.Duration firstOutageReminder;
    private int created;
    private boolean closed;

    private static final class Entry {
        final SharedZooKeeper zooKeeper;
        int references;

        Entry(SharedZooKeeper zooKeeper) {
            this.zooKeeper = zooKeeper;
        }
    }

    public ZooKeeperPool() {
        this(java.time.Duration.ofSeconds(30));
    }

    /** A pool whose clients log "still unreachable" first {@code firstOutageReminder} into an outage. */
    ZooKeeperPool(java.time.Duration firstOutageReminder) {
        this.firstOutageReminder = firstOutageReminder;
    }

    public synchronized SharedZooKeeper acquire(ZooKeeperSettings settings) {
        if (closed) {
            throw new IllegalStateException("ZooKeeper pool is closed");
        }
        Entry entry = clients.computeIfAbsent(key(settings), key -> {
            SharedZooKeeper zooKeeper = new SharedZooKeeper(
                    settings, ZooKeeperClientFactory.create(settings), ++created, firstOutageReminder);
            log.info("connecting to ZooKeeper {}", settings.connectString());
            zooKeeper.start();
            return new Entry(zooKeeper);
        });
        entry.references++;
        return entry.zooKeeper;
    }

    public synchronized void release(SharedZooKeeper zooKeeper) {
        clients.entrySet().removeIf(e -> {
            if (e.getValue().zooKeeper != zooKeeper || --e.getValue().references > 0) {
                return false;
            }
            log.info("closing the ZooKeeper connection to {}", zooKeeper.connectString());
            zooKeeper.close();
            return true;
        });
    }

    public synchronized List<SharedZooKeeper> clients() {
        List<SharedZooKeeper> result = new ArrayList<>();
        clients.values().forEach(e -> result.add(e.zooKeeper));
        return result;
    }

    @Override
    public synchronized void close() {
        closed = true;
        clients.values().forEach(e -> e.zooKeeper.close());
        clients.clear();
    }

    private static String key(ZooKeeperSettings settings) {
        return settings.connectString() + "|" + settings.sessionTimeout().toMillis() + "|"
                + settings.digest().orElse("");
    }
}
