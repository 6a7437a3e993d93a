package io.smartstack.nerve.service;

import io.smartstack.nerve.check.CheckRunner;
import io.smartstack.nerve.check.HealthChecks;
import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.ServiceConfig;
import io.smartstack.nerve.metrics.NerveMetrics;
import io.smartstack.nerve.reporter.SharedZooKeeper;
import io.smartstack.nerve.reporter.ZooKeeperPool;
import io.smartstack.nerve.reporter.ZooKeeperReporter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Builds a watcher with its checks, reporter and meters from a service's configuration. */
public final class ServiceWatcherFactory {
    private final HealthChecks healthChecks;
    private final ZooKeeperPool zooKeeperPool;
    private final NerveMetrics metrics;
    private final Overrides overrides;
    private final Clock clock;
    /** The newest watcher of each service name; meters with the same name are shared through it. */
    private final java.util.Map<String, ServiceWatcher> watchers = new java.util.concurrent.ConcurrentHashMap<>();

    public ServiceWatcherFactory(
            HealthChecks healthChecks,
            ZooKeeperPool zooKeeperPool,
            NerveMetrics metrics,
            Overrides overrides,
            Clock clock) {
        this.healthChecks = healthChecks;
        this.zooKeeperPool = zooKeeperPool;
        this.metrics = metrics;
        this.overrides = overrides;
        this.clock = clock;
    }

    /** Builds (and connects the shared ZooKeeper client for) one watcher; it is not started. */
    public ServiceWatcher create(ServiceConfig config, String instanceId, int maxRepeatedReportFailures) {
        List<CheckRunner> runners = new ArrayList<>();
        List<NerveMetrics.CheckMeters> checkMeters = new ArrayList<>();
        for (CheckConfig check : config.checks()) {
            runners.add(new CheckRunner(check, healthChecks.create(check), clock));
            checkMeters.add(metrics.checkMeters(config.name(), check.name()));
        }
        SharedZooKeeper zooKeeper = zooKeeperPool.acquire(config.zookeeper().settings());
        String name = config.name();
        // Gauges are looked up by name: during a make-before-break replacement both watchers share them.
        NerveMetrics.ServiceMeters meters = metrics.serviceMeters(
                name, () -> current(name).map(ServiceWatcher::isUp).orElse(false), () -> current(name)
                        .map(w -> w.reporter().registeredPath().isPresent())
                        .orElse(false));
        ZooKeeperReporter reporter = new ZooKeeperReporter(
                config.name(),
                config.registration(instanceId),
                config.zookeeper(),
                zooKeeper,
                maxRepeatedReportFailures,
                meters.reportFailures()::increment);
        ServiceWatcher watcher = new ServiceWatcher(
                new ServiceWatcher.Parts(config, runners, checkMeters, reporter, meters), overrides, clock);
        watchers.put(config.name(), watcher);
        return watcher;
    }

    private java.util.Optional<ServiceWatcher> current(String name) {
        return java.util.Optional.ofNullable(watchers.get(name));
    }

    /** Closes a watcher built here: deregisters, removes its meters, releases the ZooKeeper client. */
    public void dispose(ServiceWatcher watcher, java.time.Duration drainTimeout) {
        watcher.close(drainTimeout);
        if (watchers.remove(watcher.config().name(), watcher)) {
            watcher.meters().forEach(metrics::remove);
        } else {
            // Replaced: keep the meters the new watcher shares, drop those of checks it no longer has.
            java.util.Set<io.micrometer.core.instrument.Meter.Id> kept = new java.util.HashSet<>();
            current(watcher.config().name()).ifPresent(w -> w.meters().forEach(m -> kept.add(m.getId())));
            watcher.meters().stream().filter(m -> !kept.contains(m.getId())).forEach(metrics::remove);
        }
        zooKeeperPool.release(watcher.reporter().zooKeeper());
    }
}
