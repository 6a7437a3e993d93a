package io.smartstack.common.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smartstack.common.cli.ExitCodes;
import io.smartstack.common.cli.VersionProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/demo-service}: the small HTTP service the demo and the end-to-end tests run behind Nerve.
 *
 * <ul>
 *   <li>{@code GET /} answers {@code hello from <name>} so a caller sees which instance answered;
 *   <li>{@code GET /health} answers 200 {@code ok}, or 503 after {@code POST /fail};
 *   <li>{@code POST /fail} and {@code POST /recover} switch the health answer (to demonstrate a failure).
 * </ul>
 */
@Command(
        name = "demo-service",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A tiny HTTP service with /health, for demos and end-to-end tests.")
public final class DemoService implements Callable<Integer> {
    @Option(names = "--port", required = true, description = "Port to listen on.")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--name", required = true, description = "Instance name shown in every answer.")
    String name;

    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final AtomicLong served = new AtomicLong();

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoService()).execute(args));
    }

    @Override
    public Integer call() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 200);
        } catch (IOException e) {
            System.err.printf("demo-service %s: cannot listen on %s:%d: %s%n", name, bind, port, e.getMessage());
            return ExitCodes.FAILURE;
        }
        server.setExecutor(Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "demo-service-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.stop(0);
                            stopped.countDown();
                        },
                        "demo-service-shutdown"));
        server.start();
        System.out.printf(
                "demo-service %s listening on http://%s:%d%n",
                name, bind, server.getAddress().getPort());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/health")) {
            boolean up = healthy.get();
            respond(exchange, up ? 200 : 503, up ? "ok\n" : "failing (POST /recover to heal)\n");
        } else if (path.equals("/fail") && method.equals("POST")) {
            healthy.set(false);
            System.out.printf("demo-service %s: /health now fails%n", name);
            respond(exchange, 200, "/health now fails\n");
        } else if (path.equals("/recover") && method.equals("POST")) {
            healthy.set(true);
            System.out.printf("demo-service %s: /health recovered%n", name);
            respond(exchange, 200, "/health recovered\n");
        } else {
            respond(exchange, 200, "hello from " + name + " (request " + served.incrementAndGet() + ")\n");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
