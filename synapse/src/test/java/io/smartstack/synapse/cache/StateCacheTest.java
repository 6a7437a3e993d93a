package io.smartstack.synapse.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.smartstack.synapse.config.StateCacheConfig;
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
}
