package io.smartstack.nerve.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.statsd.StatsdMeterRegistry;
import io.smartstack.common.metrics.OriginalNames;
import io.smartstack.common.metrics.StatsdTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Nerve's metrics: Prometheus text at {@code /metrics}, and the same pushed to statsd (DogStatsD) when
 * the {@code statsd} key is set. Meter names: {@code nerve_check_latency_seconds} (histogram, by service
 * and check), {@code nerve_check_results_total} (by service, check, outcome), {@code nerve_check_states_total}
 * (by service, check, state after rise/fall), {@code nerve_service_up}, {@code nerve_service_registered},
 * {@code nerve_report_failures_total}, {@code nerve_reports_throttled_total},
 * {@code nerve_status_transitions_total} (by service, status) and {@code nerve_zookeeper_connected} (by
 * ensemble). With {@code statsd.metric_names: original} statsd gets {@link #ORIGINAL_NAMES} instead.
 */
public final class NerveMetrics implements AutoCloseable {
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)
    };

    /** Nerve's meters that the original Nerve sends to statsd, under the original's names and tags. */
    public static final OriginalNames ORIGINAL_NAMES = new OriginalNames(List.of(
            OriginalNames.Rename.of(
                    "nerve_check_states",
                    "nerve.watcher.status.service_check",
                    Map.of("state", "check_result", "service", "service_name", "check", "check_name")),
            OriginalNames.Rename.of(
                    "nerve_status_transitions",
                    "nerve.watcher.status.transition",
                    Map.of("status", "new_status", "service", "service_name")),
            OriginalNames.Rename.of(
                            "nerve_report_failures",
                            "nerve.watcher.status.report.count",
                            Map.of("service", "service_name"))
                    .fixed(Map.of("report_result", "fail")),
            OriginalNames.Rename.of(
                    "nerve_reports_throttled", "nerve.watcher.throttled", Map.of("service", "service_name"))));

    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Optional<StatsdMeterRegistry> statsd;

    public NerveMetrics(Optional<StatsdTarget> statsdTarget) {
        registry.add(prometheus);
        statsd = statsdTarget.map(target -> target.registry(ORIGINAL_NAMES));
        statsd.ifPresent(registry::add);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return prometheus.scrape();
    }

    /** Meters of one check; removed together when the service goes. */
    public CheckMeters checkMeters(String service, String check) {
        Timer latency = Timer.builder("nerve_check_latency")
                .description("Duration of one check run")
                .tags("service", service, "check", check)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        Counter passed = Counter.builder("nerve_check_results")
                .tags("service", service, "check", check, "outcome", "pass")
                .register(registry);
        Counter failed = Counter.builder("nerve_check_results")
                .tags("service", service, "check", check, "outcome", "fail")
                .register(registry);
        Counter up = Counter.builder("nerve_check_states")
                .description("Check runs by the check's state after rise and fall")
                .tags("service", service, "check", check, "state", "up")
                .register(registry);
        Counter down = Counter.builder("nerve_check_states")
                .tags("service", service, "check", check, "state", "down")
                .register(registry);
        return new CheckMeters(latency, passed, failed, up, down);
    }

    /** Gauges and counters of one service. */
    public ServiceMeters serviceMeters(String service, Supplier<Boolean> up, Supplier<Boolean> registered) {
        Gauge upGauge = Gauge.builder("nerve_service_up", () -> up.get() ? 1 : 0)
                .description("1 while every check of the service is up and nothing overrides it")
                .tag("service", service)
                .register(registry);
        Gauge registeredGauge = Gauge.builder("nerve_service_registered", () -> registered.get() ? 1 : 0)
                .description("1 while the service's registration znode exists")
                .tag("service", service)
                .register(registry);
        Counter failures = Counter.builder("nerve_report_failures")
                .description("Failed writes to ZooKeeper")
                .tag("service", service)
                .register(registry);
        Counter throttled = Counter.builder("nerve_reports_throttled")
                .description("Reports over the rate limit (made anyway in shadow mode)")
                .tag("service", service)
                .register(registry);
        Counter wentUp = Counter.builder("nerve_status_transitions")
                .description("Changes of what is reported (registered or not)")
                .tags("service", service, "status", "up")
                .register(registry);
        Counter wentDown = Counter.builder("nerve_status_transitions")
                .tags("service", service, "status", "down")
                .register(registry);
        return new ServiceMeters(
                List.of(upGauge, registeredGauge, failures, throttled, wentUp, wentDown),
                failures,
                throttled,
                wentUp,
                wentDown);
    }

    /** A gauge of one ensemble's connection. */
    public Meter zooKeeperGauge(String ensemble, Supplier<Boolean> connected) {
        return Gauge.builder("nerve_zookeeper_connected", () -> connected.get() ? 1 : 0)
                .description("1 while connected to the ZooKeeper ensemble")
                .tag("ensemble", ensemble)
                .register(registry);
    }

    public void remove(Meter meter) {
        registry.remove(meter);
        prometheus.remove(meter.getId());
        statsd.ifPresent(s -> s.remove(meter.getId()));
    }

    @Override
    public void close() {
        registry.close();
        prometheus.close();
        statsd.ifPresent(StatsdMeterRegistry::close);
    }

    /** The meters of one service. */
    public record ServiceMeters(
            List<Meter> all, Counter reportFailures, Counter throttled, Counter wentUp, Counter wentDown) {
        /** Counts a change of what is reported. */
        public void transition(boolean nowUp) {
            (nowUp ? wentUp : wentDown).increment();
        }
    }

    /** The meters one check run updates. */
    public record CheckMeters(Timer latency, Counter passed, Counter failed, Counter up, Counter down) {
        /**
         * @param pass the run's own result
         * @param filteredUp the check's state after rise and fall
         */
        public void record(boolean pass, Duration took, boolean filteredUp) {
            latency.record(took);
            (pass ? passed : failed).increment();
            (filteredUp ? up : down).increment();
        }

        public List<Meter> all() {
            return List.of(latency, passed, failed, up, down);
        }
    }
}
