package io.smartstack.nerve.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The benchmark's HTTP server (JDK), on a free loopback port: {@code /health?target=I} answers 200 "OK"
 * and records, per target, the time between consecutive requests, so the benchmark can tell whether
 * every target was checked on time. Also reports the CPU time its own threads (the JDK dispatcher and
 * the handler pool) spent, the cost of answering the checks.
 */
final class BenchEndpoint implements AutoCloseable {
    private static final String HANDLER_THREAD = "bench-endpoint";
    private static final String DISPATCHER_THREAD = "HTTP-Dispatcher";

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLongArray lastArrival;
    private final AtomicLongArray perTarget;
    private final AtomicLongArray maxGap;

    private BenchEndpoint(int targets) throws IOException {
        // Without it the JDK server's separate header and body writes meet delayed ACKs: ~40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        lastArrival = new AtomicLongArray(targets);
        perTarget = new AtomicLongArray(targets);
        maxGap = new AtomicLongArray(targets);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, HANDLER_THREAD);
            thread.setDaemon(true);
            return thread;
        });
        byte[] ok = "OK".getBytes(StandardCharsets.UTF_8);
        server.createContext("/health", exchange -> {
            record(exchange.getRequestURI().getQuery());
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    static BenchEndpoint start(int targets) throws IOException {
        return new BenchEndpoint(targets);
    }

    /** The path and query that target {@code i} must request. */
    static String uri(int target) {
        return "/health?target=" + target;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void record(String query) {
        requests.incrementAndGet();
        if (query == null || !query.startsWith("target=")) {
            return;
        }
        int target = Integer.parseInt(query.substring("target=".length()));
        long now = System.nanoTime();
        long previous = lastArrival.getAndSet(target, now);
        perTarget.incrementAndGet(target);
        if (previous != 0) {
            long gap = now - previous;
            maxGap.accumulateAndGet(target, gap, Math::max);
        }
    }

    /** Starts a measurement window: counts and gap maxima from now on (the last arrival is kept). */
    void resetWindow() {
        requests.set(0);
        for (int i = 0; i < perTarget.length(); i++) {
            perTarget.set(i, 0);
            maxGap.set(i, 0);
        }
    }

    long requests() {
        return requests.get();
    }

    /** Per target: requests in the window. */
    long[] requestsPerTarget() {
        long[] counts = new long[perTarget.length()];
        Arrays.setAll(counts, perTarget::get);
        return counts;
    }

    /** Per target: the longest time between two consecutive requests in the window, in nanoseconds. */
    long[] maxGapNanos() {
        long[] gaps = new long[maxGap.length()];
        Arrays.setAll(gaps, maxGap::get);
        return gaps;
    }

    /** CPU time (nanoseconds) the server's threads have used so far. */
    static long serverCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null
                    && (info.getThreadName().equals(HANDLER_THREAD)
                            || info.getThreadName().equals(DISPATCHER_THREAD))) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                total += Math.max(cpu, 0);
            }
        }
        return total;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
