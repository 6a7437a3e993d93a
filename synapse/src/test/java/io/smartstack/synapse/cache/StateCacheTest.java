package io.smartstack.synapse.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import io.smartstack.synapse.config.StateCacheConfig;
import io.smartstack.synapse.fakes.LogCapture;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateCacheTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(10);

    @TempDir
    Path directory;

    private StateCacheConfig config() {
        return new StateCacheConfig(directory.resolve("state.json"), TTL);
    }

    private static Backend backend(String name, String host, BackendOrigin origin) {
        return new Backend(
                host,
                8080,
                name,
                OptionalLong.of(7),
                OptionalInt.of(2),
                Optional.of("backup"),
                Map.of("az", "a"),
                origin);
    }

    private static final Backend A = backend("a", "10.0.0.1", BackendOrigin.REGISTRY);
    private static final Backend B = backend("b", "10.0.0.2", BackendOrigin.REGISTRY);

    @Test
    void aBackendThatLeftIsOfferedAsStateCacheUntilTheTtlAfterItLeft() {
        StateCache cache = StateCache.load(config());
        cache.record("web", List.of(A, B), T0);
        Instant left = T0.plus(Duration.ofHours(1));
        cache.record("web", List.of(A), left);

        assertEquals(List.of(B.withOrigin(BackendOrigin.STATE_CACHE)), cache.absent("web", List.of(A), left));
        assertEquals(List.of(B.withOrigin(BackendOrigin.STATE_CACHE)), cache.absent("web", List.of(A), left.plus(TTL)));
        assertEquals(List.of(), cache.absent("web", List.of(A), left.plus(TTL).plusSeconds(1)));
    }

    @Test
    void defaultServersAreNeverCached() {
        StateCache cache = StateCache.load(config());
        cache.record("web", List.of(backend("d", "10.9.9.9", BackendOrigin.DEFAULT_SERVERS)), T0);
        cache.record("web", List.of(A), T0.plusSeconds(1));
        assertEquals(List.of(), cache.absent("web", List.of(A), T0.plusSeconds(2)));
    }

    @Test
    void survivesARestartWithRememberedBackendsMarkedPrevious() {
        StateCache cache = StateCache.load(config());
        cache.record("web", List.of(A, B), T0);
        cache.record("web", List.of(A), T0.plusSeconds(5));
        cache.save();

        StateCache restarted = StateCache.load(config());

        assertEquals(List.of(A.withOrigin(BackendOrigin.PREVIOUS_BACKENDS)), restarted.remembered("web"));
        assertEquals(
                List.of(B.withOrigin(BackendOrigin.STATE_CACHE)),
                restarted.absent("web", List.of(A), T0.plusSeconds(6)));
    }

    @Test
    void anUnchangedListDoesNotChangeTheFileUntilTouched() throws Exception {
        StateCache cache = StateCache.load(config());
        cache.record("web", List.of(A), T0);
        cache.save();
        byte[] first = Files.readAllBytes(config().path());

        cache.record("web", List.of(A), T0.plusSeconds(30));
        cache.save();
        assertArrayEquals(first, Files.readAllBytes(config().path()));

        cache.touch(T0.plusSeconds(60));
        cache.save();
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(config().path())));
    }

    @Test
    void anUnreadableFileStartsEmptyAndRemovedServicesAreForgotten() throws Exception {
        Files.writeString(config().path(), "{not json");
        StateCache cache = StateCache.load(config());
        assertEquals(List.of(), cache.remembered("web"));
        cache.record("web", List.of(A), T0);
        cache.record("api", List.of(B), T0);
        cache.retain(Set.of("api"));
        assertEquals(List.of(), cache.remembered("web"));
        assertEquals(1, cache.remembered("api").size());
    }

    /** What the original Synapse's update_state_file writes (JSON.pretty_generate of its "seen" hash). */
    private static final String ORIGINAL_STATE_FILE =
            """
            {
              "web": {
                "i-1_10.0.0.1:8080": {
                  "timestamp": 1767225600,
                  "haproxy_server_id": 3,
                  "name": "i-1",
                  "host": "10.0.0.1",
                  "port": 8080,
                  "id": 17,
                  "weight": null,
                  "haproxy_server_options": null,
                  "labels": {
                    "az": "us-east-1a"
                  }
                },
                "i-2_10.0.0.2:8080": {
                  "timestamp": 1767222000,
                  "haproxy_server_id": 1,
                  "name": "i-2",
                  "host": "10.0.0.2",
                  "port": 8080,
                  "id": 18,
                  "weight": 5,
                  "haproxy_server_options": "backup",
                  "labels": null
                },
                "broken": {
                  "timestamp": 1767225600,
                  "host": "10.0.0.3"
                },
                "watcher_config_for_generator": {
                  "haproxy": {
                    "port": 3213,
                    "server_options": "check inter 2s"
                  }
                }
              }
            }
            """;

    @Test
    void theOriginalsStateFileSeedsRememberedBackendsWithTheirIdsAndTimestamps() throws Exception {
        Files.writeString(config().path(), ORIGINAL_STATE_FILE);
        StateCache cache;
        try (LogCapture log = new LogCapture(OriginalStateFile.class)) {
            cache = StateCache.load(config());
            assertEquals(1, log.count(Level.INFO, "original Synapse's format: remembered 2 backends of 1 services"));
            assertEquals(1, log.count(Level.WARN, "skipped 1 entries without host and integer port: [web/broken]"));
        }
        Instant t1 = Instant.ofEpochSecond(1767225600);
        Backend first = new Backend(
                "10.0.0.1",
                8080,
                "i-1",
                OptionalLong.of(17),
                OptionalInt.empty(),
                Optional.empty(),
                Map.of("az", "us-east-1a"),
                BackendOrigin.STATE_CACHE,
                OptionalInt.of(3));
        Backend second = new Backend(
                "10.0.0.2",
                8080,
                "i-2",
                OptionalLong.of(18),
                OptionalInt.of(5),
                Optional.of("backup"),
                Map.of(),
                BackendOrigin.STATE_CACHE,
                OptionalInt.of(1));
        assertEquals(List.of(), cache.remembered("web"), "the original does not say what was routed to");
        Instant t2 = Instant.ofEpochSecond(1767222000);
        assertEquals(List.of(first, second), cache.absent("web", List.of(), t2.plus(TTL)));
        // i-2 was last seen an hour before i-1: it expires TTL (10 minutes here) after its timestamp
        assertEquals(List.of(first), cache.absent("web", List.of(), t2.plus(TTL).plusSeconds(1)));

        Backend live = new Backend(
                "10.0.0.1",
                8080,
                "i-1",
                OptionalLong.of(17),
                OptionalInt.empty(),
                Optional.empty(),
                Map.of("az", "us-east-1a"),
                BackendOrigin.REGISTRY);
        assertEquals(List.of(live.withHaproxyServerId(3)), cache.withServerIds("web", List.of(live)));

        cache.record("web", List.of(live), t1.plusSeconds(1));
        cache.save();
        StateCache restarted = StateCache.load(config());
        assertEquals(
                List.of(live.withHaproxyServerId(3)),
                restarted.withServerIds("web", List.of(live)),
                "the asked-for id survives the rewrite in Synapse's own format");
    }

    @Test
    void aFileInNeitherFormatIsRefusedWithAWarningNamingIt() throws Exception {
        Files.writeString(config().path(), "[1, 2]");
        try (LogCapture log = new LogCapture(StateCache.class)) {
            StateCache cache = StateCache.load(config());
            assertEquals(List.of(), cache.absent("web", List.of(), T0));
            assertEquals(
                    1, log.count(Level.WARN, "state cache " + config().path() + " is neither in Synapse's format"));
        }
    }
}
