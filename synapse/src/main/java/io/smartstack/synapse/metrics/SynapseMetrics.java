package io.smartstack.synapse.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.smartstack.common.metrics.OriginalNames;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core's meters: {@code synapse_backends{service,origin}}, {@code synapse_registry_events_total{service}},
 * {@code synapse_propagation_seconds} (registry change observed to every generator applied),
 * {@code synapse_applies_total}, {@code synapse_registry_connected{registry}} and
 * {@code synapse_registrations_rejected_total{service,reason}} (each registration counted once per reason it
 * is rejected for, not per event).
 */
public final class SynapseMetrics {
    /**
     * Synapse's meters (the core's and the haproxy generator's) that the original Synapse sends to statsd,
     * under the original's names and tags, for {@code statsd.metric_names: original}.
     */
    public static final OriginalNames ORIGINAL_NAMES = new OriginalNames(List.of(
            OriginalNames.Rename.of("synapse.applies", "synapse.config.update", Map.of()),
            OriginalNames.Rename.of(
                    "synapse.registry.events", "synapse.watcher.zk.discovery", Map.of("service", "service_name")),
            OriginalNames.Rename.of("synapse.haproxy.config.check.passes", "synapse.haproxy.check_config", Map.of())
                    .fixed(Map.of("status", "true")),
            OriginalNames.Rename.of("synapse.haproxy.config.check.failures", "synapse.haproxy.check_config", Map.of())
                    .fixed(Map.of("status", "false")),
            OriginalNames.Rename.of("synapse.haproxy.reload.failures", "synapse.haproxy.reload_failed", Map.of())));

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> backends = new ConcurrentHashMap<>();
    private Map<String, ServiceState> lastCounted = Map.of();
    private final Map<String, AtomicInteger> connected = new ConcurrentHashMap<>();
    private final Map<String, Counter> registryEvents = new ConcurrentHashMap<>();
    private final Timer propagation;
    private final Counter applies;

    public SynapseMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.propagation = Timer.builder("synapse.propagation")
                .description("Time from a registry change being observed to every generator having applied it")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        this.applies = Counter.builder("synapse.applies")
                .description("Desired states handed to the generators")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counted per snapshot: the counter of each service is registered once and kept (no lookup per event). */
    public void registryEvent(String service) {
        registryEvents
                .computeIfAbsent(service, name -> Counter.builder("synapse.registry.events")
                        .description("Snapshots received from discovery")
                        .tag("service", name)
                        .register(registry))
                .increment();
    }

    public void rejected(String service, String reason) {
        Counter.builder("synapse.registrations.rejected")
                .description("Registrations not used because they break a rule or HAProxy refused them")
                .tags(Tags.of("service", service, "reason", reason))
                .register(registry)
                .increment();
    }

    public void propagated(Duration latency) {
        propagation.record(latency.isNegative() ? Duration.ZERO : latency);
    }

    public void applied(DesiredState state) {
        applies.increment();
        Map<String, ServiceState> counted = lastCounted;
        lastCounted = state.services();
        if (counted.size() != state.services().size()
                || !counted.keySet().equals(state.services().keySet())) {
            backends.values().forEach(count -> count.set(0));
            counted = Map.of();
        }
        for (ServiceState service : state.services().values()) {
            if (counted.get(service.name()) == service) {
                continue; // unchanged since it was counted
            }
            for (BackendOrigin origin : BackendOrigin.values()) {
                int count = (int) service.backends().stream()
                        .map(Backend::origin)
                        .filter(origin::equals)
                        .count();
                backendGauge(service.name(), origin).set(count);
            }
        }
    }

    public void registryConnection(String name, boolean isConnected) {
        connected
                .computeIfAbsent(name, key -> {
                    AtomicInteger value = new AtomicInteger();
                    Gauge.builder("synapse.registry.connected", value, AtomicInteger::get)
                            .description("1 while the registry is reachable")
                            .tag("registry", key)
                            .register(registry);
                    return value;
                })
                .set(isConnected ? 1 : 0);
    }

    private AtomicInteger backendGauge(String service, BackendOrigin origin) {
        return backends.computeIfAbsent(service + "\u0000" + origin, key -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("synapse.backends", value, AtomicInteger::get)
                    .description("Backends in the desired state, by service and origin")
                    .tags(Tags.of("service", service, "origin", origin.name().toLowerCase(java.util.Locale.ROOT)))
                    .register(registry);
            return value;
        });
    }
}
