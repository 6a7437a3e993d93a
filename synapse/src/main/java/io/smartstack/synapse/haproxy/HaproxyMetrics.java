package io.smartstack.synapse.haproxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smartstack.synapse.haproxy.runtime.ReloadReason;

/** The generator's meters: runtime commands sent and failed, reloads by reason, config-check failures, restarts. */
final class HaproxyMetrics {
    private final MeterRegistry registry;
    private final Counter commandsSent;
    private final Counter commandsFailed;
    private final Counter checkFailures;
    private final Counter restarts;
    private final Counter reloadFailures;

    HaproxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.commandsSent = Counter.builder("synapse.haproxy.runtime.commands")
                .description("runtime API commands sent to HAProxy")
                .tag("outcome", "sent")
                .register(registry);
        this.commandsFailed = Counter.builder("synapse.haproxy.runtime.commands")
                .description("runtime API commands sent to HAProxy")
                .tag("outcome", "failed")
                .register(registry);
        this.checkFailures = Counter.builder("synapse.haproxy.config.check.failures")
                .description("candidate configs refused by the config check")
                .register(registry);
        this.restarts = Counter.builder("synapse.haproxy.restarts")
                .description("managed HAProxy restarted after it died")
                .register(registry);
        this.reloadFailures = Counter.builder("synapse.haproxy.reload.failures")
                .description("reloads that failed")
                .register(registry);
    }

    void commandSent() {
        commandsSent.increment();
    }

    void commandFailed() {
        commandsFailed.increment();
    }

    void checkFailed() {
        checkFailures.increment();
    }

    void restarted() {
        restarts.increment();
    }

    void reloadFailed() {
        reloadFailures.increment();
    }

    void reloaded(ReloadReason reason) {
        Counter.builder("synapse.haproxy.reloads")
                .description("HAProxy reloads, by the kind of their first reason")
                .tag("reason", reason.kind().tag())
                .register(registry)
                .increment();
    }
}
