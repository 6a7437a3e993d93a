package io.smartstack.it.support;

import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code bin/demo-service}: answers {@code hello from <name>}; {@code POST /fail} makes its /health fail. */
public final class DemoService implements AutoCloseable {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final ExternalProcess process;

    private DemoService(String name, int port, ExternalProcess process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    static DemoService start(String name, Path logs) {
        int port = FreePorts.next();
        ExternalProcess process = Stack.launch(
                        "demo-service", "demo-" + name, List.of("--port", Integer.toString(port), "--name", name), logs)
                .awaitPort(port, Stack.START_TIMEOUT);
        return new DemoService(name, port, process);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** From now on GET /health answers 503. */
    public void failHealth() {
        post("/fail");
    }

    public void recoverHealth() {
        post("/recover");
    }

    private void post(String path) {
        try {
            HttpResponse<Void> response = CLIENT.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST " + path + " to " + name + ": HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + " to " + name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "demo-service " + name + " on " + port;
    }
}
