package io.smartstack.nerve.bench;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The benchmark's floor: the least a JVM can do to send the same HTTP checks as Nerve, with the same
 * library. {@code targets} GET requests to {@code http://127.0.0.1:PORT/health?target=I}, each repeated
 * with a fixed delay of {@code interval} after the previous one ended, on one OkHttp client with a
 * keep-alive pool, run synchronously by a small scheduled pool; the body is read and dropped. No
 * health logic, no ZooKeeper, no metrics, no logging. Runs until killed.
 *
 * <p>Arguments: {@code port targets interval-seconds}.
 */
public final class FloorClient {
    private FloorClient() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int targets = Integer.parseInt(args[1]);
        long intervalNanos = (long) (Double.parseDouble(args[2]) * 1e9);
        OkHttpClient client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(512, 1, TimeUnit.MINUTES))
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1))
                .callTimeout(Duration.ofSeconds(2))
                .build();
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
                4, runnable -> new Thread(runnable, "floor-" + threads.incrementAndGet()));
        for (int i = 0; i < targets; i++) {
            Request request = new Request.Builder()
                    .url("http://127.0.0.1:" + port + BenchEndpoint.uri(i))
                    .build();
            scheduler.scheduleWithFixedDelay(
                    () -> call(client, request), i * intervalNanos / targets, intervalNanos, TimeUnit.NANOSECONDS);
        }
        Thread.currentThread().join();
    }

    private static void call(OkHttpClient client, Request request) {
        try (Response response = client.newCall(request).execute()) {
            response.body().bytes();
        } catch (Exception e) {
            System.err.println(request.url() + ": " + e);
        }
    }
}
