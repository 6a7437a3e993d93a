package io.smartstack.nerve.service;

import io.smartstack.nerve.check.CheckRunner;
import io.smartstack.nerve.check.RiseFall;
import java.util.List;

/** Builds the admin API's view of a watcher. */
final class StatusSnapshots {
    private StatusSnapshots() {}

    static ServiceStatus of(
            ServiceWatcher watcher, List<CheckRunner> checks, Overrides.ServiceOverride override, boolean checksUp) {
        var config = watcher.config();
        var reporter = watcher.reporter();
        List<ServiceStatus.CheckStatus> checkStatuses =
                checks.stream().map(StatusSnapshots::check).toList();
        return new ServiceStatus(
                config.name(),
                config.origin().name().toLowerCase(java.util.Locale.ROOT),
                config.host(),
                config.port(),
                watcher.isUp(),
                checksUp,
                reporter.registeredPath().isPresent(),
                reporter.registeredPath(),
                reporter.ownedZnodes(),
                reporter.zooKeeper().connectString(),
                reporter.zooKeeper().isConnected(),
                override.maintenance().map(ServiceStatus.OverrideStatus::of),
                override.appUnhealthy().map(ServiceStatus.OverrideStatus::of),
                reporter.consecutiveFailures(),
                reporter.lastError(),
                config.checkInterval().toMillis(),
                checkStatuses);
    }

    private static ServiceStatus.CheckStatus check(CheckRunner runner) {
        RiseFall riseFall = runner.riseFall();
        var config = runner.config();
        var last = runner.lastResult();
        return new ServiceStatus.CheckStatus(
                config.name(),
                config.type(),
                config.host() + ":" + config.port(),
                riseFall.up(),
                last.map(r -> r.passed()).orElse(null),
                last.map(r -> r.reason()).orElse(null),
                last.map(r -> r.latency().toNanos() / 1e6).orElse(null),
                last.map(r -> r.finishedAt().toString()).orElse(null),
                riseFall.consecutivePasses(),
                riseFall.consecutiveFailures(),
                config.rise(),
                config.fall(),
                config.timeout().toMillis());
    }
}
