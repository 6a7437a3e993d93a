package io.smartstack.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server (JDK) on a free loopback port whose {@code /health} answers with a status the test
 * sets ({@link #setStatus}), and counts requests. Any other path answers 404.
 */
public final class HealthEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicLong requests = new AtomicLong();
    private volatile String body = "OK";

    private HealthEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static HealthEndpoint start() {
        // Without it the JDK server's separate header and body writes meet delayed ACKs: ~40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "health-endpoint");
                thread.setDaemon(true);
                return thread;
            });
            HealthEndpoint endpoint = new HealthEndpoint(server, executor);
            server.createContext("/", exchange -> {
                endpoint.requests.incrementAndGet();
                boolean health = exchange.getRequestURI().getPath().equals("/health");
                byte[] bytes = (health ? endpoint.body : "not found").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(health ? endpoint.status.get() : 404, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.setExecutor(executor);
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void setStatus(int newStatus) {
        status.set(newStatus);
    }

    public void setBody(String newBody) {
        body = newBody;
    }

    public long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
