package io.smartstack.common.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server behind both daemons' admin API and status pages (JDK {@code HttpServer}).
 * Binds to loopback by default: it changes registrations, so it must not be reachable from the network
 * unless the operator says so.
 *
 * <p>Routes match on method and exact path, or on a path prefix ending in {@code /*}. A handler that
 * throws answers 500 with the message; it never takes the server down.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final InetSocketAddress bindAddress;
    private final String threadName;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private HttpServer server;
    private ExecutorService executor;

    public AdminServer(InetSocketAddress bindAddress, String threadName) {
        this.bindAddress = bindAddress;
        this.threadName = threadName;
    }

    /** Adds a route; {@code path} is exact, or a prefix when it ends in {@code /*}. */
    public AdminServer route(String method, String path, Handler handler) {
        routes.add(new Route(method, path, handler));
        return this;
    }

    public void start() throws IOException {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("admin server already started or closed");
        }
        AtomicInteger count = new AtomicInteger();
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server = HttpServer.create(bindAddress, 50);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** The port actually bound (useful when the configured port was 0). */
    public int port() {
        if (server == null) {
            throw new IllegalStateException("admin server not started");
        }
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.STARTED) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        Response response;
        try {
            Request request = Request.from(exchange);
            response = routes.stream()
                    .filter(route -> route.matches(request.path()))
                    .filter(route -> route.method().equals(request.method()))
                    .findFirst()
                    .map(route -> handle(route, request))
                    .orElseGet(() -> routes.stream().anyMatch(route -> route.matches(request.path()))
                            ? Response.error(405, "method " + request.method() + " not allowed on " + request.path())
                            : Response.error(404, "no such path: " + request.path()));
        } catch (RuntimeException e) {
            response = Response.error(400, e.getMessage());
        }
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Response handle(Route route, Request request) {
        try {
            return route.handler().handle(request);
        } catch (Exception e) {
            log.warn("admin request {} {} failed", request.method(), request.path(), e);
            return Response.error(500, e.toString());
        }
    }

    /** Answers one admin request. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    public record Request(String method, String path, Map<String, String> query, byte[] body) {
        static Request from(HttpExchange exchange) throws IOException {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(1 << 20);
            }
            return new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    parseQuery(exchange.getRequestURI().getRawQuery()),
                    body);
        }

        /** The part of the path after a route's prefix, e.g. {@code web} for {@code /services/web}. */
        public String pathAfter(String prefix) {
            return path.length() > prefix.length() ? path.substring(prefix.length()) : "";
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        private static Map<String, String> parseQuery(String raw) {
            Map<String, String> query = new LinkedHashMap<>();
            if (raw == null || raw.isEmpty()) {
                return query;
            }
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                query.put(
                        URLDecoder.decode(key, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
            return query;
        }
    }

    public record Response(int status, String contentType, byte[] body) {
        public static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialize admin response: " + e.getMessage(), e);
            }
        }

        public static Response json(Object value) {
            return json(200, value);
        }

        public static Response html(String page) {
            return new Response(200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
        }

        public static Response text(int status, String contentType, String text) {
            return new Response(status, contentType, text.getBytes(StandardCharsets.UTF_8));
        }

        public static Response error(int status, String message) {
            return json(status, Map.of("error", message == null ? "unknown error" : message));
        }
    }

    private record Route(String method, String path, Handler handler) {
        boolean matches(String requestPath) {
            if (path.endsWith("/*")) {
                String prefix = path.substring(0, path.length() - 1);
                return requestPath.startsWith(prefix) || requestPath.equals(path.substring(0, path.length() - 2));
            }
            return requestPath.equals(path);
        }
    }
}
