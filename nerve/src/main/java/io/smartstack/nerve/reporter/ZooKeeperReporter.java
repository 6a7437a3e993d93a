package io.smartstack.nerve.reporter;

import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.nerve.config.ZooKeeperReporterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one service's registration znode in line with what the service watcher asks for: present while
 * {@link #report(boolean)} says up, absent otherwise. {@code report} never blocks: writes run on the
 * ensemble's writer thread, and only while connected.
 *
 * <p>Nerve owns exactly the znodes it created ({@link #ownedZnodes()}). After a session change the
 * previous session's node, which ZooKeeper keeps until that session expires, is deleted right after the
 * new session's node is created, on the first report once connected; a deregistration deletes both. So
 * no registration outlives a deregistration by more than one check interval of the ensemble being
 * reachable. A node deleted by someone else is seen through a watch and re-created at once while the
 * service is up. Persistent nodes with {@code ttl_seconds} get their data re-set every ttl.
 *
 * <p>Why not Curator's {@code PersistentNode}: after a session change it adopts the old session's
 * node by name, which then vanishes at that session's expiry (a visible flap), it creates parents as
 * container nodes, and its background retries follow the client's back-off, not the check interval.
 */
public final class ZooKeeperReporter {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperReporter.class);

    private final String service;
    private final SharedZooKeeper zooKeeper;
    private final ZooKeeperReporterConfig config;
    private final RegistrationNodes nodes;
    private final int maxRepeatedFailures;
    private final Runnable onFailure;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final OwnedZnodes owned = new OwnedZnodes();
    private final Watcher deletionWatch = this::onWatchedEvent;
    private volatile boolean desiredUp;
    private volatile boolean closed;
    private volatile long lastWriteNanos;
    private volatile int consecutiveFailures;
    private volatile Optional<String> lastError = Optional.empty();

    public ZooKeeperReporter(
            String service,
            Registration registration,
            ZooKeeperReporterConfig config,
            SharedZooKeeper zooKeeper,
            int maxRepeatedFailures,
            Runnable onFailure) {
        this.service = service;
        this.zooKeeper = zooKeeper;
        this.config = config;
        String prefix = config.path() + "/"
                + RegistrationCodec.childNamePrefix(registration, registration.name(), config.pathEncoding());
        this.nodes = new RegistrationNodes(
                zooKeeper.client(),
                zooKeeper.aclProvider(),
                prefix,
                RegistrationCodec.encode(registration),
                config.nodeType());
        this.maxRepeatedFailures = maxRepeatedFailures;
        this.onFailure = onFailure;
    }

    /** Asks for the node to be present (up) or absent; returns at once. */
    public void report(boolean up) {
        if (closed) {
            return;
        }
        desiredUp = up;
        if (zooKeeper.isConnected() && needsWork(up)) {
            schedule();
        }
    }

    private void schedule() {
        if (pending.compareAndSet(false, true)) {
            try {
                zooKeeper.submit(this::reconcile);
            } catch (RejectedExecutionException e) {
                pending.set(false);
            }
        }
    }

    private boolean needsWork(boolean up) {
        if (owned.hasLeftovers()) {
            return true;
        }
        Optional<OwnedZnodes.Node> current = owned.current();
        if (!up) {
            return current.isPresent();
        }
        return current.isEmpty() || sessionChanged(current.get()) || ttlDue();
    }

    private boolean sessionChanged(OwnedZnodes.Node node) {
        return config.nodeType().isEphemeral() && node.session() != zooKeeper.sessionId();
    }

    private boolean ttlDue() {
        return !config.nodeType().isEphemeral()
                && config.ttl().isPresent()
                && System.nanoTime() - lastWriteNanos >= config.ttl().get().toNanos();
    }

    /** Runs on the writer thread: the only place the owned znodes change. */
    private void reconcile() {
        pending.set(false);
        try {
            Optional<OwnedZnodes.Node> current = owned.current();
            if (current.isPresent() && sessionChanged(current.get())) {
                log.info(
                        "ZooKeeper session changed; replacing {}'s registration {}",
                        service,
                        current.get().path());
                owned.abandonCurrent();
            }
            if (desiredUp && !closed) {
                ensureRegistered();
            } else {
                owned.current().ifPresent(node -> owned.abandonCurrent());
            }
            deleteLeftovers();
            if (consecutiveFailures > 0) {
                log.info("reporting {} to ZooKeeper works again", service);
            }
            consecutiveFailures = 0;
            lastError = Optional.empty();
        } catch (Exception e) {
            recordFailure(e);
        }
    }

    private void ensureRegistered() throws Exception {
        Optional<OwnedZnodes.Node> current = owned.current();
        if (current.isEmpty()) {
            long session = zooKeeper.sessionId();
            OwnedZnodes.Node created = nodes.create(session, owned.leftovers());
            lastWriteNanos = System.nanoTime();
            owned.registered(created);
            nodes.watch(created.path(), deletionWatch);
            log.info("registered {} at {}", service, created.path());
        } else if (ttlDue()) {
            try {
                nodes.rewrite(current.get().path());
                lastWriteNanos = System.nanoTime();
            } catch (KeeperException.NoNodeException e) {
                owned.gone(current.get().path());
                ensureRegistered();
            }
        }
    }

    private void deleteLeftovers() throws Exception {
        for (String path : owned.leftovers()) {
            nodes.delete(path);
            owned.gone(path);
            log.info("deregistered {} (removed {})", service, path);
        }
    }

    /** A watch fired (ZooKeeper's event thread): hand the news to the writer thread. */
    private void onWatchedEvent(WatchedEvent event) {
        String path = event.getPath();
        if (path == null || closed) {
            return;
        }
        try {
            zooKeeper.submit(() -> {
                if (owned.isCurrent(path)) {
                    verify(path, event.getType());
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: nothing to keep any more
        }
    }

    /**
     * Re-arms the watch on our node; when it is gone, re-creates it at once. A deletion followed by a
     * creation (our own take-over of a fixed path) leaves the node in place: nothing to do.
     */
    private void verify(String path, Watcher.Event.EventType type) {
        try {
            if (nodes.watch(path, deletionWatch)) {
                return;
            }
            if (type == Watcher.Event.EventType.NodeDeleted) {
                log.warn("registration {} of {} was deleted by someone else; re-creating it", path, service);
            }
            owned.gone(path);
            reconcile();
        } catch (Exception e) {
            recordFailure(e);
        }
    }

    private void recordFailure(Exception e) {
        consecutiveFailures++;
        lastError = Optional.of(e.toString());
        onFailure.run();
        if (consecutiveFailures == 1) {
            log.warn("reporting {} to ZooKeeper failed (retrying every cycle): {}", service, e.toString());
        }
        if (consecutiveFailures == maxRepeatedFailures && owned.current().isPresent()) {
            log.warn("{} consecutive report failures for {}; registering it again", consecutiveFailures, service);
            owned.abandonCurrent();
        }
    }

    /** The znode path of the current registration, if any. */
    public Optional<String> registeredPath() {
        return owned.current().map(OwnedZnodes.Node::path);
    }

    /** Every znode this reporter created and has not yet seen gone (the registration, then leftovers). */
    public List<String> ownedZnodes() {
        return owned.all();
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public Optional<String> lastError() {
        return lastError;
    }

    public SharedZooKeeper zooKeeper() {
        return zooKeeper;
    }

    /**
     * Deletes every owned node (drain) and stops reporting, waiting at most {@code timeout}. Idempotent.
     * When the ensemble is unreachable the nodes are left to the session (closing the client ends it).
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        desiredUp = false;
        if (!zooKeeper.isConnected()) {
            return;
        }
        // Even when nothing is registered yet: a create may be in flight on the writer thread, and this
        // reconcile, queued behind it, removes what it makes.
        try {
            Future<?> done = zooKeeper.submit(this::reconcile);
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("could not deregister {} within {}ms: {}", service, timeout.toMillis(), e.toString());
        }
    }
}
