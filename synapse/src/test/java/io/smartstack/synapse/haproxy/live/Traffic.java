package io.smartstack.synapse.haproxy.live;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Real HTTP requests through HAProxy: one-off batches, and a background load that counts failures. */
public final class Traffic implements AutoCloseable {
    private final int port;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, Long> errors = new java.util.concurrent.ConcurrentHashMap<>();
    private Thread[] threads = new Thread[0];

    public Traffic(int port) {
        this.port = port;
    }

    /** Sends {@code count} requests; returns how many each backend answered ("error" for failures). */
    public static Map<String, Integer> send(int port, int count) {
        Map<String, Integer> answers = new HashMap<>();
        for (int i = 0; i < count; i++) {
            answers.merge(once(port), 1, Integer::sum);
        }
        return answers;
    }

    public static String once(int port) {
        return once(port, false);
    }

    /**
     * One request on a connection that is closed afterwards, so that no idle keep-alive connection is
     * left in the JDK's cache (with {@code option idle-close-on-response}, HAProxy keeps an old worker
     * until such a connection sends its next request or is closed by the client).
     */
    public static String onceAndClose(int port) {
        return once(port, true);
    }

    private static String once(int port, boolean close) {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/").openConnection();
            if (close) {
                connection.setRequestProperty("Connection", "close");
            }
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            int status = connection.getResponseCode();
            if (status != 200) {
                return "error " + status;
            }
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "error " + e.getClass().getSimpleName();
        }
    }

    /** Starts {@code concurrency} threads sending requests until {@link #close()}. */
    public Traffic start(int concurrency) {
        return start(concurrency, Long.MAX_VALUE, Duration.ofDays(1));
    }

    /**
     * Starts {@code concurrency} threads sending requests until {@link #close()}, until {@code maxRequests}
     * were sent in all or until {@code maxDuration} has passed, whichever comes first.
     */
    public Traffic start(int concurrency, long maxRequests, Duration maxDuration) {
        running.set(true);
        long deadline = System.nanoTime() + maxDuration.toNanos();
        AtomicLong sent = new AtomicLong();
        threads = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            threads[i] = new Thread(
                    () -> {
                        while (running.get() && System.nanoTime() < deadline && sent.incrementAndGet() <= maxRequests) {
                            String answer = once(port);
                            if (answer.startsWith("error")) {
                                failed.incrementAndGet();
                                errors.merge(answer, 1L, Long::sum);
                            } else {
                                ok.incrementAndGet();
                            }
                        }
                    },
                    "test-traffic-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        return this;
    }

    public long ok() {
        return ok.get();
    }

    /** Failed requests by kind ({@code error 503}, {@code error ConnectException}, ...). */
    public Map<String, Long> errors() {
        return Map.copyOf(errors);
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
