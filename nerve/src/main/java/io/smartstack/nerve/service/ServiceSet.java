package io.smartstack.nerve.service;

import io.smartstack.nerve.config.ServiceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running watchers. {@link #apply} moves them to a new set of services: removed ones deregister,
 * new ones start, and changed ones are replaced make-before-break (the new watcher runs its first
 * cycle and registers before the old one deregisters), except when both would own the very same
 * non-sequential znode, where the old one goes first.
 */
public final class ServiceSet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceSet.class);
    private static final Duration REPLACE_WAIT = Duration.ofSeconds(5);

    private final ServiceWatcherFactory factory;
    private final CyclePool cycles;
    private final Map<String, Running> running = new LinkedHashMap<>();
    private boolean closed;

    private record Running(ServiceConfig config, String instanceId, ServiceWatcher watcher) {}

    /** What an {@link #apply} changed, by service name. */
    public record Changes(List<String> added, List<String> removed, List<String> replaced) {
        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && replaced.isEmpty();
        }
    }

    public ServiceSet(ServiceWatcherFactory factory, CyclePool cycles) {
        this.factory = factory;
        this.cycles = cycles;
    }

    public synchronized Changes apply(Map<String, ServiceConfig> desired, String instanceId, int maxReportFailures) {
        if (closed) {
            throw new IllegalStateException("service set is closed");
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        for (String name : List.copyOf(running.keySet())) {
            if (!desired.containsKey(name)) {
                log.info("service {} removed; deregistering", name);
                factory.dispose(running.remove(name).watcher(), Duration.ofSeconds(1));
                removed.add(name);
            }
        }
        long adding = desired.keySet().stream()
                .filter(name -> !running.containsKey(name))
                .count();
        desired.forEach((name, config) -> {
            Running old = running.get(name);
            if (old == null) {
                Duration first = firstCycle(config, added.size(), adding);
                running.put(name, start(config, instanceId, maxReportFailures, first));
                added.add(name);
            } else if (!old.config().equals(config) || !old.instanceId().equals(instanceId)) {
                log.info("service {} changed; replacing it", name);
                running.put(name, replace(old, config, instanceId, maxReportFailures));
                replaced.add(name);
            } else if (old.config().origin() != config.origin()) {
                running.put(name, new Running(config, instanceId, old.watcher()));
            }
        });
        return new Changes(added, removed, replaced);
    }

    /**
     * When the {@code index}-th of {@code count} services added together runs its first cycle: spread
     * over one check interval, so that a thousand services started at once do not check in one burst
     * every interval from then on (each cycle follows the end of the last: the phases would stay
     * together), which needed a thread and a connection per check in flight. One service alone starts
     * at once; the last of many within one interval.
     */
    static Duration firstCycle(ServiceConfig config, int index, long count) {
        if (count <= 1) {
            return Duration.ZERO;
        }
        return config.checkInterval().multipliedBy(index).dividedBy(count);
    }

    private Running start(ServiceConfig config, String instanceId, int maxReportFailures, Duration first) {
        ServiceWatcher watcher = factory.create(config, instanceId, maxReportFailures);
        watcher.start(cycles, first);
        return new Running(config, instanceId, watcher);
    }

    private Running replace(Running old, ServiceConfig config, String instanceId, int maxReportFailures) {
        if (sameFixedNode(old.config(), config, old.instanceId(), instanceId)) {
            factory.dispose(old.watcher(), Duration.ofSeconds(1));
            return start(config, instanceId, maxReportFailures, Duration.ZERO);
        }
        Running fresh = start(config, instanceId, maxReportFailures, Duration.ZERO);
        long deadline = System.nanoTime() + REPLACE_WAIT.toNanos();
        fresh.watcher().awaitFirstCycle(REPLACE_WAIT);
        while (System.nanoTime() < deadline
                && fresh.watcher().isUp()
                && fresh.watcher().reporter().zooKeeper().isConnected()
                && fresh.watcher().reporter().registeredPath().isEmpty()) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        factory.dispose(old.watcher(), Duration.ofSeconds(1));
        return fresh;
    }

    private static boolean sameFixedNode(ServiceConfig old, ServiceConfig fresh, String oldId, String freshId) {
        return !old.zookeeper().nodeType().isSequential()
                && !fresh.zookeeper().nodeType().isSequential()
                && old.zookeeper().path().equals(fresh.zookeeper().path())
                && !old.zookeeper().pathEncoding()
                && !fresh.zookeeper().pathEncoding()
                && oldId.equals(freshId);
    }

    public synchronized List<ServiceStatus> status() {
        return running.values().stream().map(r -> r.watcher().status()).toList();
    }

    public synchronized Optional<ServiceConfig> config(String name) {
        return Optional.ofNullable(running.get(name)).map(Running::config);
    }

    public synchronized List<String> names() {
        return List.copyOf(running.keySet());
    }

    /** Deregisters every service, all within {@code timeout} in total. Idempotent. */
    public synchronized void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Running r : running.values()) {
            long remaining = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            factory.dispose(r.watcher(), Duration.ofMillis(remaining));
        }
        running.clear();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }
}
