package io.smartstack.synapse.haproxy.bench;

import io.smartstack.synapse.haproxy.live.LiveHaproxy;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.UnixSocketRuntimeApi;
import io.smartstack.testing.ExternalProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Synapse's HAProxy seen from outside: its servers state and an HTTP request through each frontend. */
final class Frontends {
    private Frontends() {}

    /** Polls every 5 ms: process start -> {@code expected} servers READY, and -> every frontend answering 200. */
    static FootprintBench.Serving await(
            ExternalProcess synapse, LiveHaproxy haproxy, List<Integer> frontends, int expected, long startedNanos)
            throws Exception {
        long deadline = startedNanos + TimeUnit.SECONDS.toNanos(60);
        long ready = -1;
        while (System.nanoTime() < deadline) {
            if (ready < 0 && readyServers(haproxy) >= expected) {
                ready = System.nanoTime() - startedNanos;
            }
            if (ready >= 0 && failures(frontends) == 0) {
                return new FootprintBench.Serving(ready, System.nanoTime() - startedNanos);
            }
            if (!synapse.isAlive()) {
                throw new IllegalStateException("Synapse exited:\n" + synapse.describe(30));
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("Synapse's HAProxy did not serve within 60 s:\n" + synapse.describe(30));
    }

    private static long readyServers(LiveHaproxy haproxy) {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(haproxy.directory.resolve("haproxy.sock"))) {
            return RuntimeParsers.serversState(api.execute("show servers state")).stream()
                    .filter(server -> server.adminState() == AdminState.READY)
                    .count();
        } catch (IOException | RuntimeException notYet) {
            return 0; // HAProxy is not up yet
        }
    }

    /** One GET /health through each frontend; the number that did not answer 200. */
    static int failures(List<Integer> frontends) {
        int failures = 0;
        for (int port : frontends) {
            if (!answers(port)) {
                failures++;
            }
        }
        return failures;
    }

    private static boolean answers(int port) {
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            try {
                int status = connection.getResponseCode();
                try (InputStream body = connection.getInputStream()) {
                    body.readAllBytes();
                }
                return status == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notServing) {
            return false;
        }
    }
}
