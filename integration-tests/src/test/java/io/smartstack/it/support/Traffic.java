package io.smartstack.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests through HAProxy, as an application on the consumer host sends them. A {@link Load} sends
 * continuously from one thread, counting successes, failures and who answered, until closed or until
 * its bounds (count, time) are reached.
 */
public final class Traffic {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private Traffic() {}

    /** GET url; the answer's body, or a description of the failure prefixed with {@code FAILED}. */
    public static Answer get(String url) {
        try {
            HttpResponse<String> response = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body().trim());
        } catch (IOException e) {
            return new Answer(0, "FAILED " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "FAILED interrupted");
        }
    }

    /** Sends {@code count} requests and counts the instance named in each answer ({@code hello from <name>}). */
    public static Map<String, Integer> spread(String url, int count) {
        Map<String, Integer> spread = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            spread.merge(get(url).responder(), 1, Integer::sum);
        }
        return spread;
    }

    public record Answer(int status, String body) {
        public boolean ok() {
            return status >= 200 && status < 400;
        }

        /** The instance that answered, from {@code hello from <name> (...)}; else the status or failure. */
        public String responder() {
            if (ok() && body.startsWith("hello from ")) {
                String rest = body.substring("hello from ".length());
                int space = rest.indexOf(' ');
                return space < 0 ? rest : rest.substring(0, space);
            }
            return status == 0 ? "FAILED" : "HTTP " + status;
        }
    }

    /** Starts continuous load on {@code url}, bounded by {@code maxRequests} and {@code maxDuration}. */
    public static Load load(String url, long maxRequests, Duration maxDuration) {
        Load load = new Load(url, maxRequests, maxDuration);
        load.thread.start();
        return load;
    }

    public static final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong succeeded = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final Map<String, AtomicLong> responders = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
        private final Thread thread;

        private Load(String url, long maxRequests, Duration maxDuration) {
            long deadline = System.nanoTime() + maxDuration.toNanos();
            thread = new Thread(
                    () -> {
                        for (long i = 0; i < maxRequests && running.get() && System.nanoTime() < deadline; i++) {
                            Answer answer = get(url);
                            if (answer.ok()) {
                                succeeded.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                failures.computeIfAbsent(answer.status() + " " + answer.body(), k -> new AtomicLong())
                                        .incrementAndGet();
                            }
                            responders
                                    .computeIfAbsent(answer.responder(), k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    },
                    "traffic-load");
            thread.setDaemon(true);
        }

        public long succeeded() {
            return succeeded.get();
        }

        public long failed() {
            return failed.get();
        }

        /** Requests answered by {@code instance} so far. */
        public long answeredBy(String instance) {
            AtomicLong count = responders.get(instance);
            return count == null ? 0 : count.get();
        }

        public Map<String, AtomicLong> failures() {
            return failures;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
