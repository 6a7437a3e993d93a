package io.smartstack.synapse.discovery;

import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dns}: resolves every server's host each {@code check_interval}, one backend per address
 * (addresses sorted), and publishes when the result changes. A failed lookup keeps the last result
 * (one log line per failure period); nothing outside the configured names is ever looked up.
 */
final class DnsWatcher implements DiscoveryWatcher {
    private static final Logger log = LoggerFactory.getLogger(DnsWatcher.class);

    /** Resolves a host name to addresses; the system resolver by default, replaceable in tests. */
    @FunctionalInterface
    interface Resolver {
        List<String> resolve(String host) throws UnknownHostException;

        Resolver SYSTEM = host -> Arrays.stream(InetAddress.getAllByName(host))
                .map(InetAddress::getHostAddress)
                .sorted()
                .toList();
    }

    private final String service;
    private final DiscoveryConfig.Dns config;
    private final DiscoverySink sink;
    private final ScheduledExecutorService scheduler;
    private final Resolver resolver;
    private final Clock clock;
    private final Lifecycle lifecycle;
    private List<Backend> last;
    private boolean failing;
    private ScheduledFuture<?> task;

    DnsWatcher(
            String service,
            DiscoveryConfig.Dns config,
            DiscoverySink sink,
            ScheduledExecutorService scheduler,
            Resolver resolver,
            Clock clock) {
        this.service = service;
        this.config = config;
        this.sink = sink;
        this.scheduler = scheduler;
        this.resolver = resolver;
        this.clock = clock;
        this.lifecycle = new Lifecycle("DNS watcher for " + service);
    }

    @Override
    public void start() {
        lifecycle.start();
        task = scheduler.scheduleWithFixedDelay(
                this::resolveSafely, 0, config.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void resolveSafely() {
        if (!lifecycle.isStarted()) {
            return;
        }
        List<Backend> backends = new ArrayList<>();
        for (DiscoveryConfig.DnsServer server : config.servers()) {
            try {
                for (String address : resolver.resolve(server.host())) {
                    backends.add(new Backend(
                            address,
                            server.port(),
                            server.name(),
                            OptionalLong.empty(),
                            OptionalInt.empty(),
                            Optional.empty(),
                            server.labels(),
                            BackendOrigin.REGISTRY));
                }
            } catch (Exception e) {
                if (!failing) {
                    failing = true;
                    log.warn(
                            "service {}: cannot resolve {}, keeping the last result: {}",
                            service,
                            server.host(),
                            e.toString());
                }
                return;
            }
        }
        if (failing) {
            failing = false;
            log.info("service {}: DNS resolution works again", service);
        }
        if (!backends.equals(last)) {
            last = List.copyOf(backends);
            sink.discovered(service, new DiscoverySnapshot(backends, Optional.empty(), clock.instant()));
        }
    }

    @Override
    public void close() {
        if (lifecycle.close()) {
            task.cancel(false);
        }
    }
}
