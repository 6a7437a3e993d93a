package io.smartstack.synapse.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.config.AdminConfig;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.config.ServiceConfig;
import io.smartstack.synapse.config.StateCacheConfig;
import io.smartstack.synapse.config.SynapseConfig;
import io.smartstack.synapse.discovery.DiscoverySink;
import io.smartstack.synapse.discovery.DiscoverySnapshot;
import io.smartstack.synapse.fakes.RecordingGenerator;
import io.smartstack.synapse.metrics.SynapseMetrics;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.selection.SelectionRules;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LONG_STARTUP_WAIT = Duration.ofSeconds(30);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Reconciler reconciler;

    @AfterEach
    void close() {
        if (reconciler != null) {
            reconciler.close();
        }
    }

    static Backend backend(String name, String host) {
        return new Backend(
                host,
                8080,
                name,
                OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Map.of(),
                BackendOrigin.REGISTRY);
    }

    static ServiceConfig service(String name, Map<String, JsonNode> generatorConfig) {
        return new ServiceConfig(
                name,
                new DiscoveryConfig.ZooKeeper(
                        List.of("127.0.0.1:1"),
                        "/" + name,
                        RegistrationFormat.NERVE,
                        Optional.empty(),
                        Optional.empty()),
                SelectionRules.defaults(),
                generatorConfig);
    }

    static SynapseConfig config(Optional<StateCacheConfig> cache, ServiceConfig... services) {
        return new SynapseConfig(
                List.of(services), List.of("recording"), AdminConfig.defaults(), Optional.empty(), cache);
    }

    private RecordingGenerator start(Duration startupWait, SynapseConfig config) throws Exception {
        RecordingGenerator generator = RecordingGenerator.create("recording", "reconciler-" + System.nanoTime());
        reconciler = new Reconciler(
                new Reconciler.Settings(startupWait, Duration.ofMinutes(5)),
                new SynapseMetrics(meters),
                Clock.systemUTC());
        reconciler.start(config, List.of(generator));
        return generator;
    }

    private static DiscoverySnapshot snapshot(Backend... backends) {
        return new DiscoverySnapshot(List.of(backends), Optional.empty(), Instant.now());
    }

    @Test
    void waitsForEveryServiceBeforeTheFirstApplyThenAppliesOnce() throws Exception {
        RecordingGenerator generator =
                start(LONG_STARTUP_WAIT, config(Optional.empty(), service("web", Map.of()), service("api", Map.of())));
        reconciler.discovered("web", snapshot(backend("w1", "10.0.0.1")));
        reconciler.status(); // reconciler thread has the event queued
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> generator.applied().isEmpty());

        reconciler.discovered("api", snapshot(backend("a1", "10.0.0.2")));

        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 1);
        DesiredState state = generator.last();
        assertEquals(List.of("api", "web"), List.copyOf(state.services().keySet()));
        assertEquals(
                List.of(backend("w1", "10.0.0.1")), state.services().get("web").backends());
        assertEquals(1, generator.starts());
    }

    @Test
    void appliesAfterTheStartupWaitWhenAServiceNeverReports() throws Exception {
        RecordingGenerator generator = start(
                Duration.ofMillis(300), config(Optional.empty(), service("web", Map.of()), service("api", Map.of())));
        reconciler.discovered("web", snapshot(backend("w1", "10.0.0.1")));
        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 1);
        assertEquals(List.of(), generator.last().services().get("api").backends());
        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.status().ready());
        assertEquals("previous_backends", reconciler.status().services().get(0).selection());
    }

    /**
     * A status asked for while an apply runs (a cold start's first one takes seconds) describes one
     * moment: the reconciler's part and the generator's are both from after that apply, never the
     * reconciler's from before it with the generator's from after it.
     */
    @Test
    void viewsTakenDuringAnApplyPairTheReconcilersStatusWithTheGeneratorsOfTheSameMoment() throws Exception {
        CountDownLatch applying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<DesiredState> applied = new AtomicReference<>();
        ConfigGenerator slow = new ConfigGenerator() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public void start() {}

            @Override
            public void apply(DesiredState desired) {
                applied.set(desired);
                applying.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public Object status() {
                DesiredState state = applied.get();
                return Map.of(
                        "servers",
                        state == null
                                ? List.of()
                                : state.services().get("web").backends().stream()
                                        .map(Backend::serverName)
                                        .toList());
            }

            @Override
            public void close() {}
        };
        reconciler = new Reconciler(
                new Reconciler.Settings(LONG_STARTUP_WAIT, Duration.ofMinutes(5)),
                new SynapseMetrics(meters),
                Clock.systemUTC());
        reconciler.start(config(Optional.empty(), service("web", Map.of())), List.of(slow));
        reconciler.discovered("web", snapshot(backend("w1", "10.0.0.1")));
        assertTrue(applying.await(5, TimeUnit.SECONDS));

        CompletableFuture<Reconciler.Views> views =
                CompletableFuture.supplyAsync(() -> reconciler.views(Duration.ofSeconds(10)));
        Thread.sleep(200); // the request waits for the apply
        release.countDown();
        Reconciler.Views taken = views.get(10, TimeUnit.SECONDS);

        assertEquals(
                Map.of("servers", List.of("w1_10.0.0.1:8080")),
                taken.generators().get("slow"));
        SynapseStatus.ServiceStatus web = taken.status().services().get(0);
        assertEquals("discovered", web.selection());
        assertEquals(List.of(backend("w1", "10.0.0.1")), web.backends());
        assertTrue(taken.status().ready());
    }

    @Test
    void identicalSnapshotsApplyOnlyOnce() throws Exception {
        RecordingGenerator generator = start(LONG_STARTUP_WAIT, config(Optional.empty(), service("web", Map.of())));
        reconciler.discovered("web", snapshot(backend("w1", "10.0.0.1"), backend("w2", "10.0.0.2")));
        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 1);
        for (int i = 0; i < 20; i++) {
            reconciler.discovered("web", snapshot(backend("w2", "10.0.0.2"), backend("w1", "10.0.0.1")));
        }
        reconciler.discovered("web", snapshot(backend("w3", "10.0.0.3")));
        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 2);
        await().during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(2))
                .until(() -> generator.applied().size() == 2);
        assertEquals(List.of(backend("w3", "10.0.0.3")), generator.backends("web"));
    }

    @Test
    void aBurstCoalescesToTheLatestSnapshot() throws Exception {
        RecordingGenerator generator = start(LONG_STARTUP_WAIT, config(Optional.empty(), service("web", Map.of())));
        reconciler.discovered("web", snapshot(backend("w0", "10.0.0.100")));
        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 1);
        for (int i = 1; i <= 500; i++) {
            reconciler.discovered("web", snapshot(backend("w" + i, "10.0.1." + (i % 250))));
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> generator.backends("web").equals(List.of(backend("w500", "10.0.1.0"))));
        assertTrue(
                generator.applied().size() < 500,
                "applies: " + generator.applied().size());
        assertEquals(generator.applied().size(), (int)
                meters.get("synapse.applies").counter().count());
        assertTrue(meters.get("synapse.propagation").timer().count() >= 1);
    }

    @Test
    void registryGeneratorConfigIsMergedOverTheLocalSection() throws Exception {
        JsonNode local =
                JSON.readTree("{\"port\": 3213, \"listen\": [\"mode http\"], \"nested\": {\"a\": 1, \"b\": 2}}");
        RecordingGenerator generator =
                start(LONG_STARTUP_WAIT, config(Optional.empty(), service("web", Map.of("recording", local))));
        JsonNode registry = JSON.readTree("{\"recording\": {\"port\": 4000, \"nested\": {\"b\": 3}}, \"other\": {}}");
        reconciler.discovered(
                "web", new DiscoverySnapshot(List.of(backend("w1", "10.0.0.1")), Optional.of(registry), Instant.now()));
        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 1);
        assertEquals(
                JSON.readTree("{\"port\": 4000, \"listen\": [\"mode http\"], \"nested\": {\"a\": 1, \"b\": 3}}"),
                generator.last().services().get("web").generatorConfig().get("recording"));
        assertEquals(
                Map.of("recording", local).keySet(),
                generator.last().services().get("web").generatorConfig().keySet());
    }

    @Test
    void backendsGoneFromTheRegistryStayWithinTheTtlAsStateCache(@TempDir Path directory) throws Exception {
        StateCacheConfig cache = new StateCacheConfig(directory.resolve("state.json"), Duration.ofHours(1));
        RecordingGenerator generator = start(LONG_STARTUP_WAIT, config(Optional.of(cache), service("web", Map.of())));
        reconciler.discovered("web", snapshot(backend("w1", "10.0.0.1"), backend("w2", "10.0.0.2")));
        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 1);

        reconciler.discovered("web", snapshot(backend("w1", "10.0.0.1")));

        await().atMost(Duration.ofSeconds(5)).until(() -> generator.applied().size() == 2);
        assertEquals(
                List.of(backend("w1", "10.0.0.1"), backend("w2", "10.0.0.2").withOrigin(BackendOrigin.STATE_CACHE)),
                generator.backends("web"));
        assertTrue(java.nio.file.Files.readString(cache.path()).contains("\"10.0.0.2\""));
    }

    @Test
    void rememberedBackendsAreUsedAfterARestartWhenTheRegistryNeverAnswers(@TempDir Path directory) throws Exception {
        StateCacheConfig cache = new StateCacheConfig(directory.resolve("state.json"), Duration.ofHours(1));
        RecordingGenerator first = start(LONG_STARTUP_WAIT, config(Optional.of(cache), service("web", Map.of())));
        reconciler.discovered("web", snapshot(backend("w1", "10.0.0.1")));
        await().atMost(Duration.ofSeconds(5)).until(() -> first.applied().size() == 1);
        reconciler.close();

        RecordingGenerator second = start(Duration.ofMillis(200), config(Optional.of(cache), service("web", Map.of())));

        await().atMost(Duration.ofSeconds(5)).until(() -> second.applied().size() == 1);
        assertEquals(
                List.of(backend("w1", "10.0.0.1").withOrigin(BackendOrigin.PREVIOUS_BACKENDS)), second.backends("web"));
        assertEquals(1, first.closes());
    }

    @Test
    void registryTransitionsAppearInTheStatus() throws Exception {
        start(LONG_STARTUP_WAIT, config(Optional.empty(), service("web", Map.of())));
        reconciler.registryConnection("zookeeper:127.0.0.1:1", DiscoverySink.RegistryState.LOST);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> reconciler.status().registries().containsKey("zookeeper:127.0.0.1:1"));
        assertEquals(
                "lost",
                reconciler.status().registries().get("zookeeper:127.0.0.1:1").state());
    }

    @Test
    void startTwiceFailsAndCloseIsIdempotent() throws Exception {
        start(LONG_STARTUP_WAIT, config(Optional.empty(), service("web", Map.of())));
        SynapseConfig config = config(Optional.empty(), service("web", Map.of()));
        assertThrows(IllegalStateException.class, () -> reconciler.start(config, List.of()));
        reconciler.close();
        reconciler.close();
        Reconciler neverStarted =
                new Reconciler(Reconciler.Settings.defaults(), new SynapseMetrics(meters), Clock.systemUTC());
        neverStarted.close();
    }
}
