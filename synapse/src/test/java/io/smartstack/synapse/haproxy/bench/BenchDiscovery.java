package io.smartstack.synapse.haproxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.registration.DecodeResult;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;

/**
 * The benchmark's stand-in for Synapse's discovery and reconciler: one CuratorCache per service path,
 * events handed to one reconciler thread that coalesces bursts, decodes the registrations with
 * RegistrationCodec and applies the whole desired state to the generator.
 */
final class BenchDiscovery implements AutoCloseable {
    private final CuratorFramework client;
    private final ConfigGenerator generator;
    private final Map<String, CuratorCache> caches = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> sections = new ConcurrentHashMap<>();
    private final ExecutorService reconciler = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-reconciler");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();

    BenchDiscovery(CuratorFramework client, ConfigGenerator generator) {
        this.client = client;
        this.generator = generator;
    }

    static String path(String service) {
        return "/bench/services/" + service;
    }

    void watch(String service, JsonNode section) throws Exception {
        client.create().orSetData().creatingParentsIfNeeded().forPath(path(service));
        sections.put(service, section);
        CuratorCache cache = CuratorCache.build(client, path(service));
        cache.listenable().addListener((type, before, after) -> schedule());
        caches.put(service, cache);
        cache.start();
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            reconciler.execute(() -> {
                scheduled.set(false);
                try {
                    generator.apply(snapshot());
                } catch (RuntimeException e) {
                    if (!reconciler.isShutdown()) {
                        System.err.println("apply failed: " + e);
                    }
                }
            });
        }
    }

    private DesiredState snapshot() {
        List<ServiceState> services = new ArrayList<>();
        caches.forEach((service, cache) -> {
            List<Backend> backends = new ArrayList<>();
            String base = path(service) + "/";
            cache.stream().filter(data -> data.getPath().startsWith(base)).forEach(data -> decode(data, backends));
            services.add(new ServiceState(service, backends, Map.of("haproxy", sections.get(service))));
        });
        return DesiredState.of(services);
    }

    private static void decode(ChildData data, List<Backend> into) {
        String child = data.getPath().substring(data.getPath().lastIndexOf('/') + 1);
        if (RegistrationCodec.decode(child, data.getData(), RegistrationFormat.NERVE)
                instanceof DecodeResult.Decoded decoded) {
            into.add(Backend.registered(decoded.registration(), decoded.id()));
        }
    }

    @Override
    public void close() throws InterruptedException {
        caches.values().forEach(CuratorCache::close);
        reconciler.shutdownNow();
        reconciler.awaitTermination(10, TimeUnit.SECONDS);
    }
}
