package io.smartstack.synapse.haproxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Host names resolved off the caller's thread, answered from a cache, with a call back when one resolves. */
class HostResolverTest {
    private final AtomicInteger resolved = new AtomicInteger();

    private HostResolver resolver() {
        return new HostResolver(
                Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMinutes(5), resolved::incrementAndGet);
    }

    @Test
    void ipAddressesAreTakenAsTheyAre() {
        try (HostResolver resolver = resolver()) {
            assertEquals(Optional.of("10.1.2.3"), resolver.address("10.1.2.3"));
            assertEquals(Optional.of("::1"), resolver.address("::1"));
            assertEquals(0, resolved.get());
        }
    }

    @Test
    void onlyDottedQuadsAndAddressesWithAColonAreLiterals() {
        for (String literal : java.util.List.of("10.1.2.3", "0.0.0.0", "999.1.1.1", "fe80::1", "::1")) {
            assertTrue(HostResolver.isLiteral(literal), literal);
        }
        for (String name : java.util.List.of(
                "localhost",
                "10.1.2",
                "10.1.2.3.4",
                "10..2.3",
                ".1.2.3",
                "1.2.3.",
                "1234.1.1.1",
                "1.2.3.4a",
                "",
                "db-1")) {
            assertFalse(HostResolver.isLiteral(name), name);
        }
    }

    @Test
    void aNameIsUnknownAtFirstThenResolvedInTheBackgroundAndTheOwnerIsCalledBack() {
        try (HostResolver resolver = resolver()) {
            assertEquals(Optional.empty(), resolver.address("localhost"));

            await().atMost(Duration.ofSeconds(5)).until(() -> resolved.get() == 1);
            assertEquals(Optional.of("127.0.0.1"), resolver.address("localhost"));
            assertEquals(1, resolved.get(), "a cached name is not looked up again");
        }
    }

    @Test
    void aNameThatDoesNotResolveStaysUnknownWithoutACallBack() throws Exception {
        try (HostResolver resolver = resolver()) {
            resolver.address("no-such-host.invalid");
            resolver.address("localhost"); // queued after it on the same lookup thread
            await().atMost(Duration.ofSeconds(10)).until(() -> resolved.get() == 1);

            assertEquals(Optional.empty(), resolver.address("no-such-host.invalid"));
            assertEquals(1, resolved.get());
        }
    }
}
