package io.smartstack.synapse.haproxy.live;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real HTTP backends (JDK HttpServer on free loopback ports) that answer their own name and count hits.
 * A backend's {@code /health} can be made to answer 503 while every other path keeps answering 200, as
 * an instance whose checks fail while it still serves (draining, a failed dependency).
 */
public final class HttpBackends implements AutoCloseable {
    static {
        // without it the JDK server's header and body writes meet delayed ACKs: ~40 ms per request
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<String, HttpServer> byName = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> hits = new ConcurrentHashMap<>();
    private final Set<String> failingHealth = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "test-http-backend");
        thread.setDaemon(true);
        return thread;
    });

    /** Starts a backend answering {@code name} on every path; returns its port. */
    public synchronized int start(String name) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            hits.put(name, new AtomicLong());
            server.createContext("/", exchange -> {
                boolean health = exchange.getRequestURI().getPath().equals("/health");
                if (!health) {
                    hits.get(name).incrementAndGet();
                }
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(health && failingHealth.contains(name) ? 503 : 200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.setExecutor(executor);
            server.start();
            servers.add(server);
            byName.put(name, server);
            return server.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From now on {@code /health} of {@code name} answers 503; other paths still answer 200. */
    public void failHealth(String name) {
        failingHealth.add(name);
    }

    /** From now on {@code /health} of {@code name} answers 200 again. */
    public void recoverHealth(String name) {
        failingHealth.remove(name);
    }

    /** Stops backend {@code name} at once: its port refuses connections from now on. */
    public synchronized void stop(String name) {
        HttpServer server = byName.remove(name);
        if (server != null && servers.remove(server)) {
            server.stop(0);
        }
    }

    public long hits(String name) {
        return hits.getOrDefault(name, new AtomicLong()).get();
    }

    @Override
    public synchronized void close() {
        servers.forEach(server -> server.stop(0));
        executor.shutdownNow();
    }
}
