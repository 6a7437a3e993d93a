package io.smartstack.synapse.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DiscoveryJitterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theFirstChangeAndOneAfterAQuietPeriodArePublishedAtOnce() {
        DiscoveryJitter jitter = new DiscoveryJitter(Duration.ofSeconds(10), () -> 0.5);
        assertEquals(Duration.ZERO, jitter.delay(T0));
        jitter.published(T0);
        assertEquals(Duration.ZERO, jitter.delay(T0.plusSeconds(10)));
        assertEquals(Duration.ZERO, jitter.delay(T0.plusSeconds(60)));
    }

    @Test
    void aChangeSoonAfterAPublicationWaitsBetweenHalfAndAllOfTheJitter() {
        DiscoveryJitter lowest = new DiscoveryJitter(Duration.ofSeconds(10), () -> 0.0);
        lowest.published(T0);
        assertEquals(Duration.ofSeconds(5), lowest.delay(T0.plusSeconds(1)));

        DiscoveryJitter middle = new DiscoveryJitter(Duration.ofSeconds(10), () -> 0.5);
        middle.published(T0);
        assertEquals(Duration.ofMillis(7_500), middle.delay(T0.plusMillis(9_999)));

        DiscoveryJitter highest = new DiscoveryJitter(Duration.ofSeconds(10), () -> 0.999_999_999);
        highest.published(T0);
        assertEquals(Duration.ofSeconds(10).toMillis(), highest.delay(T0).toMillis() + 1, "just under 10 s");
    }
}
