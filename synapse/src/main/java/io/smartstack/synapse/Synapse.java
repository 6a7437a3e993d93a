package io.smartstack.synapse;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.statsd.StatsdMeterRegistry;
import io.smartstack.common.config.ConfigException;
import io.smartstack.common.metrics.StatsdTarget;
import io.smartstack.synapse.admin.SynapseAdmin;
import io.smartstack.synapse.config.LoadedConfig;
import io.smartstack.synapse.config.ServiceConfig;
import io.smartstack.synapse.config.SynapseConfig;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.discovery.DiscoveryWatcher;
import io.smartstack.synapse.discovery.DiscoveryWatchers;
import io.smartstack.synapse.discovery.ZooKeeperClients;
import io.smartstack.synapse.metrics.SynapseMetrics;
import io.smartstack.synapse.model.GeneratorContext;
import io.smartstack.synapse.reconcile.Reconciler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Synapse daemon: config, metrics, reconciler, one discovery watcher per service and the admin API.
 * {@link #reload()} re-reads the config file; an invalid file is refused and the running config stays.
 * {@link #close()} stops discovery and closes the generators, which never stops HAProxy.
 */
public final class Synapse implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Synapse.class);

    private final Path configFile;
    private final SynapseConfigLoader loader;
    private final Reconciler.Settings settings;
    private final Clock clock;
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CompositeMeterRegistry metrics = new CompositeMeterRegistry();
    private final Map<String, Watched> watchers = new HashMap<>();
    private final AtomicReference<String> state = new AtomicReference<>("latent");
    private SynapseConfig config;
    private Reconciler reconciler;
    private DiscoveryWatchers discovery;
    private SynapseAdmin admin;
    private StatsdMeterRegistry statsd;

    private record Watched(ServiceConfig config, DiscoveryWatcher watcher) {}

    public Synapse(Path configFile, SynapseConfigLoader loader, Reconciler.Settings settings, Clock clock) {
        this.configFile = configFile;
        this.loader = loader;
        this.settings = settings;
        this.clock = clock;
        metrics.add(prometheus);
    }

    /** Loads the config and starts everything; a bad config throws {@link ConfigException}. */
    public synchronized void start() throws Exception {
        if (!state.compareAndSet("latent", "started")) {
            throw new IllegalStateException("Synapse already started or closed");
        }
        LoadedConfig loaded = loader.load(configFile, new GeneratorContext(metrics));
        loaded.warnings().forEach(warning -> log.warn("config: {}", warning));
        config = loaded.config();
        config.statsd().ifPresent(this::startStatsd);
        reconciler = new Reconciler(settings, new SynapseMetrics(metrics), clock);
        try {
            reconciler.start(config, loaded.generators());
        } catch (Exception e) {
            loaded.closeGenerators();
            throw e;
        }
        discovery = new DiscoveryWatchers(reconciler, new ZooKeeperClients(reconciler), clock);
        updateWatchers(config);
        admin = new SynapseAdmin(config.admin(), reconciler, prometheus);
        admin.start();
        log.info(
                "Synapse started with {} services and generators {}",
                config.services().size(),
                config.generatorNames());
    }

    /**
     * Re-reads the config file. An invalid file is logged with every problem and refused: the running
     * config stays. Changes to {@code admin} and {@code statsd} take effect at the next restart.
     *
     * @return true when the new config was installed
     */
    public synchronized boolean reload() {
        if (!"started".equals(state.get())) {
            return false;
        }
        LoadedConfig loaded;
        try {
            loaded = loader.load(configFile, new GeneratorContext(metrics));
        } catch (ConfigException e) {
            log.error("reload refused, the running config stays: {}", e.getMessage());
            return false;
        }
        if (!loaded.config().admin().equals(config.admin())
                || !loaded.config().statsd().equals(config.statsd())) {
            log.warn("changes to admin or statsd take effect at the next restart");
        }
        try {
            reconciler.replace(loaded.config(), loaded.generators());
        } catch (Exception e) {
            log.error("reload failed while installing the new config", e);
            return false;
        }
        config = loaded.config();
        updateWatchers(config);
        log.info(
                "config reloaded from {}: {} services",
                configFile,
                config.services().size());
        return true;
    }

    private void updateWatchers(SynapseConfig newConfig) {
        Map<String, ServiceConfig> wanted = new HashMap<>();
        newConfig.services().forEach(s -> wanted.put(s.name(), s));
        watchers.entrySet().removeIf(entry -> {
            ServiceConfig service = wanted.get(entry.getKey());
            boolean keep = service != null
                    && service.discovery().equals(entry.getValue().config().discovery());
            if (!keep) {
                entry.getValue().watcher().close();
            }
            return !keep;
        });
        for (ServiceConfig service : newConfig.services()) {
            if (!watchers.containsKey(service.name())) {
                DiscoveryWatcher watcher = discovery.create(service);
                try {
                    watcher.start();
                } catch (Exception e) {
                    log.error("service {}: discovery failed to start; keeping what is known", service.name(), e);
                }
                watchers.put(service.name(), new Watched(service, watcher));
            }
        }
    }

    private void startStatsd(StatsdTarget target) {
        statsd = target.registry(SynapseMetrics.ORIGINAL_NAMES);
        metrics.add(statsd);
        log.info(
                "pushing metrics to statsd at {}:{} under {} names",
                target.host(),
                target.port(),
                target.metricNames().name().toLowerCase(java.util.Locale.ROOT));
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public MeterRegistry metrics() {
        return metrics;
    }

    public int adminPort() {
        return admin.port();
    }

    @Override
    public synchronized void close() {
        if ("closed".equals(state.getAndSet("closed"))) {
            return;
        }
        watchers.values().forEach(w -> w.watcher().close());
        watchers.clear();
        if (discovery != null) {
            discovery.close();
        }
        if (reconciler != null) {
            reconciler.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (statsd != null) {
            statsd.close();
        }
        log.info("Synapse stopped; HAProxy keeps running with the last state");
    }
}
