package io.smartstack.synapse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigException;
import io.smartstack.synapse.config.LoadedConfig;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.discovery.DiscoveryWatcher;
import io.smartstack.synapse.discovery.DiscoveryWatchers;
import io.smartstack.synapse.discovery.ZooKeeperClients;
import io.smartstack.synapse.metrics.SynapseMetrics;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.GeneratorContext;
import io.smartstack.synapse.reconcile.Reconciler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code synapse render}: discovers every service once (waiting at most {@code timeout} for the registry),
 * builds the desired state with no generator started, and returns the haproxy generator's preview.
 * Nothing is written and HAProxy is not touched.
 */
final class Snapshot {
    private Snapshot() {}

    static String render(Path configFile, Duration timeout) throws Exception {
        return render(SynapseConfigLoader.installed(), configFile, timeout);
    }

    static String render(SynapseConfigLoader loader, Path configFile, Duration timeout) throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        LoadedConfig loaded = loader.load(configFile, new GeneratorContext(metrics));
        try {
            ConfigGenerator haproxy = loaded.generators().stream()
                    .filter(g -> g.name().equals("haproxy"))
                    .findFirst()
                    .orElseThrow(() -> ConfigException.of(configFile.toString(), "render needs a haproxy section"));
            DesiredState desired = discover(loaded, timeout, metrics);
            return haproxy.preview(desired)
                    .orElseThrow(() -> new IllegalStateException("the haproxy generator has no preview"));
        } finally {
            loaded.closeGenerators();
        }
    }

    private static DesiredState discover(LoadedConfig loaded, Duration timeout, SimpleMeterRegistry metrics)
            throws Exception {
        Clock clock = Clock.systemUTC();
        Reconciler.Settings settings =
                new Reconciler.Settings(timeout, Duration.ofHours(1), Reconciler.StateFile.READ_ONLY);
        List<DiscoveryWatcher> watchers = new ArrayList<>();
        try (Reconciler reconciler = new Reconciler(settings, new SynapseMetrics(metrics), clock)) {
            // No generators: rendering must not start HAProxy or write anything.
            reconciler.start(loaded.config(), List.of());
            try (DiscoveryWatchers discovery =
                    new DiscoveryWatchers(reconciler, new ZooKeeperClients(reconciler), clock)) {
                for (var service : loaded.config().services()) {
                    DiscoveryWatcher watcher = discovery.create(service);
                    watchers.add(watcher);
                    watcher.start();
                }
                long deadline = System.nanoTime() + timeout.plusSeconds(1).toNanos();
                Optional<DesiredState> desired = reconciler.desiredState();
                while (desired.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    desired = reconciler.desiredState();
                }
                watchers.forEach(DiscoveryWatcher::close);
                return desired.orElseThrow(() -> new IllegalStateException("no desired state after " + timeout));
            }
        }
    }
}
