package io.smartstack.nerve;

import io.smartstack.common.admin.AdminServer;
import io.smartstack.common.config.ConfigException;
import io.smartstack.nerve.admin.NerveAdminApi;
import io.smartstack.nerve.check.HealthChecks;
import io.smartstack.nerve.check.HttpClients;
import io.smartstack.nerve.config.ConfigWarnings;
import io.smartstack.nerve.config.NerveConfig;
import io.smartstack.nerve.config.NerveConfigReader;
import io.smartstack.nerve.config.ServiceConfig;
import io.smartstack.nerve.metrics.NerveMetrics;
import io.smartstack.nerve.metrics.ZooKeeperGauges;
import io.smartstack.nerve.reporter.ZooKeeperPool;
import io.smartstack.nerve.service.CyclePool;
import io.smartstack.nerve.service.DynamicServices;
import io.smartstack.nerve.service.Overrides;
import io.smartstack.nerve.service.ServiceSet;
import io.smartstack.nerve.service.ServiceStatus;
import io.smartstack.nerve.service.ServiceWatcherFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nerve daemon: the running services, their shared resources (scheduler, HTTP and ZooKeeper
 * clients, metrics), the admin API, reload and drain. {@link #close()} deregisters every service
 * (drain) before it releases anything else.
 */
public final class Nerve implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Nerve.class);
    /** Threads that time and run the check cycles and the heartbeat ({@link CyclePool}), and its upper bound. */
    static final int CYCLE_THREADS = 4;

    static final int MAX_CYCLE_THREADS = 512;

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final Optional<Path> configFile;
    private final Optional<String> instanceIdOverride;
    private final Clock clock;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final Overrides overrides = new Overrides();
    private final DynamicServices dynamicServices;
    private volatile NerveConfig config;
    private CyclePool cycles;
    private HttpClients httpClients;
    private ZooKeeperPool zooKeeperPool;
    private NerveMetrics metrics;
    private ZooKeeperGauges zooKeeperGauges;
    private ServiceSet services;
    private AdminServer admin;
    private volatile Heartbeat heartbeat;

    public Nerve(NerveConfig config, Optional<Path> configFile, Optional<String> instanceIdOverride) {
        this(config, configFile, instanceIdOverride, Clock.systemUTC());
    }

    /** A daemon whose overrides, check results and status are timed by {@code clock}. */
    public Nerve(NerveConfig config, Optional<Path> configFile, Optional<String> instanceIdOverride, Clock clock) {
        this.config = config;
        this.configFile = configFile;
        this.instanceIdOverride = instanceIdOverride;
        this.clock = clock;
        this.dynamicServices = new DynamicServices(() -> this.config.services().keySet(), this::applyServices);
    }

    public void start() throws IOException {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("nerve already started or closed");
        }
        cycles = new CyclePool("nerve-cycle", CYCLE_THREADS, MAX_CYCLE_THREADS);
        httpClients = new HttpClients();
        zooKeeperPool = new ZooKeeperPool();
        metrics = new NerveMetrics(config.statsd());
        zooKeeperGauges = new ZooKeeperGauges(metrics);
        services = new ServiceSet(
                new ServiceWatcherFactory(new HealthChecks(httpClients), zooKeeperPool, metrics, overrides, clock),
                cycles);
        admin = new AdminServer(
                new InetSocketAddress(config.admin().bind(), config.admin().port()), "nerve-admin");
        new NerveAdminApi(new NerveAdminApi.Parts(
                        () -> config.instanceId(), services, dynamicServices, overrides, metrics, clock))
                .install(admin);
        admin.start();
        log.info(
                "admin API listening on http://{}:{}",
                displayHost(config.admin().bind()),
                admin.port());
        heartbeat = new Heartbeat(config.heartbeatPath());
        ConfigWarnings.of(config).forEach(warning -> log.warn("{}", warning));
        cycles.scheduleWithFixedDelay(() -> heartbeat.beat(), Duration.ZERO, Duration.ofSeconds(1));
        applyServices();
        log.info(
                "nerve started as {} with {} services",
                config.instanceId(),
                services.names().size());
    }

    /** Re-reads the config file and service_conf_dir; an invalid config is logged and the old one kept. */
    public boolean reload() {
        if (configFile.isEmpty()) {
            log.warn("reload asked, but nerve was not started from a config file");
            return false;
        }
        NerveConfig fresh;
        try {
            fresh = NerveConfigReader.load(configFile.get(), instanceIdOverride);
        } catch (ConfigException e) {
            log.error("reload rejected, keeping the running configuration: {}", e.getMessage());
            return false;
        }
        synchronized (this) {
            if (!fresh.admin().equals(config.admin()) || !fresh.statsd().equals(config.statsd())) {
                log.warn("admin and statsd settings change only on restart");
            }
            config = fresh;
            heartbeat = new Heartbeat(fresh.heartbeatPath());
            ServiceSet.Changes changes = applyServices();
            log.info(
                    "reloaded {}: added {}, removed {}, replaced {}",
                    configFile.get(),
                    changes.added(),
                    changes.removed(),
                    changes.replaced());
        }
        return true;
    }

    private synchronized ServiceSet.Changes applyServices() {
        Map<String, ServiceConfig> desired = new LinkedHashMap<>(dynamicServices.all());
        desired.putAll(config.services());
        ServiceSet.Changes changes = services.apply(desired, config.instanceId(), config.maxRepeatedReportFailures());
        zooKeeperGauges.sync(zooKeeperPool.clients());
        return changes;
    }

    public List<ServiceStatus> status() {
        return services.status();
    }

    public int adminPort() {
        return admin.port();
    }

    /** Drains: deletes every registration (within about a second), then releases everything. */
    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) != State.STARTED) {
            return;
        }
        long start = System.nanoTime();
        services.close(Duration.ofMillis(800));
        zooKeeperPool.close();
        log.info("drained every registration in {}ms", (System.nanoTime() - start) / 1_000_000);
        cycles.close();
        admin.close();
        httpClients.close();
        metrics.close();
    }

    private static String displayHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
