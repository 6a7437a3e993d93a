package io.smartstack.synapse.haproxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.smartstack.synapse.haproxy.runtime.ReloadReason;
import java.util.List;
import java.util.Map;

/**
 * The generator's meters: runtime commands sent and failed, reloads by reason, config-check failures and passes,
 * restarts, data-plane readiness, and servers per service by HAProxy's state ({@code up}, {@code down}, {@code drain},
 * {@code maint}, {@code absent}).
 */
final class HaproxyMetrics {
    private final MeterRegistry registry;
    private final Counter commandsSent;
    private final Counter commandsFailed;
    private final Counter checkFailures;
    private final Counter checkPasses;
    private final Counter restarts;
    private final Counter reloadFailures;
    private final MultiGauge servers;
    private final java.util.concurrent.atomic.AtomicInteger ready = new java.util.concurrent.atomic.AtomicInteger();

    /** A server HAProxy refused, counted with the core's {@code synapse_registrations_rejected_total}. */
    void rejectedRegistration(String service, String reason) {
        Counter.builder("synapse.registrations.rejected")
                .description("Registrations not used because they break a rule or HAProxy refused them")
                .tags("service", service, "reason", reason)
                .register(registry)
                .increment();
    }

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
        this.checkPasses = Counter.builder("synapse.haproxy.config.check.passes")
                .description("Candidate configs that passed the check and were installed")
                .register(registry);
        this.restarts = Counter.builder("synapse.haproxy.restarts")
                .description("managed HAProxy restarted after it died")
                .register(registry);
        this.reloadFailures = Counter.builder("synapse.haproxy.reload.failures")
                .description("reloads that failed")
                .register(registry);
        this.servers = MultiGauge.builder("synapse.haproxy.servers")
                .description("servers of each service by their state in HAProxy")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("synapse.haproxy.ready", ready, Number::doubleValue)
                .description("1 while HAProxy serves the desired config (what /healthz checks), else 0")
                .register(registry);
    }

    /** Whether the data plane was ready at the last status pass (every 5 s and on each /status). */
    void dataPlaneReady(boolean isReady) {
        ready.set(isReady ? 1 : 0);
    }

    /** Replaces the per-state server counts: service name to state to count. */
    void serverStates(Map<String, Map<String, Long>> countsByService) {
        List<MultiGauge.Row<?>> rows = countsByService.entrySet().stream()
                .flatMap(service -> service.getValue().entrySet().stream()
                        .map(state -> MultiGauge.Row.of(
                                Tags.of("service", service.getKey(), "state", state.getKey()), state.getValue())))
                .<MultiGauge.Row<?>>map(row -> row)
                .toList();
        servers.register(rows, true);
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

    void checkPassed() {
        checkPasses.increment();
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
