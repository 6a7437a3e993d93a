package io.smartstack.nerve.reporter;

import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.nerve.config.NodeType;
import io.smartstack.nerve.config.ZooKeeperReporterConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one service's registration znode in line with what the service watcher asks for: present while
 * {@link #report(boolean)} says up, absent otherwise. {@code report} never blocks: writes run on the
 * ensemble's writer thread, and only while connected. An ephemeral node lost with an expired session
 * is re-created on the first report after the new session connects (so within one check interval).
 * Persistent nodes with {@code ttl_seconds} get their data re-set every ttl.
 */
public final class ZooKeeperReporter {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperReporter.class);

    private final String service;
    private final SharedZooKeeper zooKeeper;
    private final ZooKeeperReporterConfig config;
    private final byte[] data;
    private final String nodePrefix;
    private final int maxRepeatedFailures;
    private final Runnable onFailure;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean desiredUp;
    private volatile boolean closed;
    private volatile String registeredPath;
    private volatile long registeredSession;
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
        this.data = RegistrationCodec.encode(registration);
        this.nodePrefix = config.path() + "/"
                + RegistrationCodec.childNamePrefix(registration, registration.name(), config.pathEncoding());
        this.maxRepeatedFailures = maxRepeatedFailures;
        this.onFailure = onFailure;
    }

    /** Asks for the node to be present (up) or absent; returns at once. */
    public void report(boolean up) {
        if (closed) {
            return;
        }
        desiredUp = up;
        if (zooKeeper.isConnected() && needsWork(up) && pending.compareAndSet(false, true)) {
            try {
                zooKeeper.submit(this::reconcile);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pending.set(false);
            }
        }
    }

    private boolean needsWork(boolean up) {
        String path = registeredPath;
        if (!up) {
            return path != null;
        }
        if (path == null) {
            return true;
        }
        if (config.nodeType().isEphemeral() && zooKeeper.sessionId() != registeredSession) {
            return true;
        }
        return ttlDue();
    }

    private boolean ttlDue() {
        return !config.nodeType().isEphemeral()
                && config.ttl().isPresent()
                && System.nanoTime() - lastWriteNanos >= config.ttl().get().toNanos();
    }

    private void reconcile() {
        pending.set(false);
        try {
            if (desiredUp && !closed) {
                ensureRegistered();
            } else {
                ensureDeregistered();
            }
            if (consecutiveFailures > 0) {
                log.info("reporting {} to ZooKeeper works again", service);
            }
            consecutiveFailures = 0;
            lastError = Optional.empty();
        } catch (Exception e) {
            recordFailure(e);
        }
    }

    private void recordFailure(Exception e) {
        consecutiveFailures++;
        lastError = Optional.of(e.toString());
        onFailure.run();
        if (consecutiveFailures == 1) {
            if (e instanceof KeeperException) {
                log.warn("reporting {} to ZooKeeper failed (retrying every cycle): {}", service, e.toString());
            } else {
                log.warn("reporting {} to ZooKeeper failed (retrying every cycle)", service, e);
            }
        }
        if (consecutiveFailures == maxRepeatedFailures && registeredPath != null) {
            log.warn(
                    "{} consecutive report failures for {}; registering it again from scratch",
                    consecutiveFailures,
                    service);
            registeredPath = null;
        }
    }

    private void ensureRegistered() throws Exception {
        String path = registeredPath;
        if (path != null && config.nodeType().isEphemeral() && zooKeeper.sessionId() != registeredSession) {
            log.info("ZooKeeper session changed; re-creating the registration of {}", service);
            registeredPath = null;
            path = null;
        }
        if (path == null) {
            create();
        } else if (ttlDue()) {
            try {
                zooKeeper.client().setData().forPath(path, data);
                lastWriteNanos = System.nanoTime();
            } catch (KeeperException.NoNodeException e) {
                create();
            }
        }
    }

    private void create() throws Exception {
        NodeType type = config.nodeType();
        Stat stat = new Stat();
        String path;
        if (type.isSequential()) {
            path = zooKeeper
                    .client()
                    .create()
                    .storingStatIn(stat)
                    .creatingParentsIfNeeded()
                    .withMode(type.createMode())
                    .forPath(nodePrefix, data);
        } else {
            try {
                path = zooKeeper
                        .client()
                        .create()
                        .storingStatIn(stat)
                        .creatingParentsIfNeeded()
                        .withMode(type.createMode())
                        .forPath(nodePrefix, data);
            } catch (KeeperException.NodeExistsException e) {
                stat = zooKeeper.client().setData().forPath(nodePrefix, data);
                path = nodePrefix;
            }
        }
        registeredSession = stat.getEphemeralOwner();
        lastWriteNanos = System.nanoTime();
        registeredPath = path;
        log.info("registered {} at {}", service, path);
    }

    private void ensureDeregistered() throws Exception {
        String path = registeredPath;
        if (path == null) {
            return;
        }
        try {
            zooKeeper.client().delete().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // Already gone (session expiry, or deleted by an operator): the goal is reached.
        }
        registeredPath = null;
        log.info("deregistered {} (removed {})", service, path);
    }

    /** The znode path while registered. */
    public Optional<String> registeredPath() {
        return Optional.ofNullable(registeredPath);
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
     * Deletes the node (drain) and stops reporting, waiting at most {@code timeout}. Idempotent. When
     * the ensemble is unreachable the node is left to the session (closing the client ends it).
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
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            log.warn("could not deregister {} within {}ms: {}", service, timeout.toMillis(), e.toString());
        }
    }
}
