package io.smartstack.nerve.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pool that runs check cycles grows past tasks that hang and shrinks back once they are done. */
class CyclePoolTest {
    @Test
    void aTaskDueWhileEveryThreadHangsGetsAThreadAndThePoolShrinksBackAfterwards() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch hanging = new CountDownLatch(30);
        AtomicInteger quickRuns = new AtomicInteger();
        try (CyclePool pool = new CyclePool("test-cycle", 2, 64)) {
            try {
                for (int i = 0; i < 30; i++) {
                    pool.schedule(
                            () -> {
                                hanging.countDown();
                                awaitQuietly(release);
                            },
                            Duration.ZERO);
                }
                // two of the thirty hang on the pool's two threads; the others wait, then get new ones
                assertTrue(hanging.await(5, TimeUnit.SECONDS), "every hanging task started");
                pool.scheduleWithFixedDelay(quickRuns::incrementAndGet, Duration.ZERO, Duration.ofMillis(10));
                await().atMost(Duration.ofSeconds(5)).until(() -> quickRuns.get() >= 20);
                assertTrue(pool.threads() > 30, "grew past the hanging tasks: " + pool.threads());
            } finally {
                release.countDown();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.threads() == 2);
            int before = quickRuns.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> quickRuns.get() >= before + 20);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
