package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckSpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * One HTTP request per run: status 200-399 is up (redirects are not followed), and with {@code expect}
 * the first 64 KiB of the body must contain it. TLS certificates are verified unless
 * {@code ssl_verify: false}. Time limits: {@code open_timeout} to connect, {@code read_timeout} to read,
 * and their sum for the whole call.
 *
 * <p>Connection reuse never fails a check: a request that fails with an I/O error (not a timeout) on a
 * kept-alive connection taken from the pool, which the server may have closed at any moment, is sent
 * once more on a new connection within the same run. A server that answers HTTP/1.0 without
 * {@code Connection: keep-alive} gets a new connection on every later run. A failure on a new
 * connection (refused, timed out, TLS) and any answer (5xx, wrong body) count at once.
 */
final class HttpCheck implements HealthCheck {
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private final OkHttpClient pooled;
    private final OkHttpClient fresh;
    private final Request request;
    private final Attempt attempt = new Attempt();
    private final Optional<String> expect;
    private final TlsFailures tlsFailures;
    private volatile boolean closesAfterEachResponse;

    HttpCheck(HttpClients.ForCheck clients, String host, int port, CheckSpec.Http spec) {
        this.pooled = clients.pooled();
        this.fresh = clients.fresh();
        String url = (spec.ssl() ? "https://" : "http://") + Endpoints.display(host, port) + spec.uri();
        Request.Builder builder = new Request.Builder().url(url);
        spec.headers().forEach(builder::header);
        RequestBody body = okhttp3.internal.http.HttpMethod.requiresRequestBody(spec.method())
                ? RequestBody.create(new byte[0], null)
                : null;
        builder.method(spec.method(), body);
        builder.tag(Attempt.class, attempt);
        this.request = builder.build();
        this.expect = spec.expect();
        this.tlsFailures = new TlsFailures(spec.tls());
    }

    @Override
    public CheckOutcome run() throws Exception {
        try {
            return closesAfterEachResponse ? attempt(fresh) : attemptReusing();
        } catch (SSLException e) {
            return tlsFailures.outcome(e);
        }
    }

    private CheckOutcome attemptReusing() throws IOException {
        try {
            return attempt(pooled);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            // Also a TLS error: a TLS server closing an idle connection can look like one.
            if (!attempt.reusedPooledConnection()) {
                throw e;
            }
            return attempt(fresh);
        }
    }

    private CheckOutcome attempt(OkHttpClient client) throws IOException {
        attempt.reset();
        try (Response response = client.newCall(request).execute()) {
            if (response.protocol() == Protocol.HTTP_1_0
                    && !"keep-alive".equalsIgnoreCase(response.header("Connection"))) {
                closesAfterEachResponse = true;
            }
            return outcome(response);
        }
    }

    private CheckOutcome outcome(Response response) throws IOException {
        int status = response.code();
        if (status < 200 || status > 399) {
            return CheckOutcome.fail("HTTP " + status + " from " + request.url());
        }
        String body = readBounded(response.body());
        if (expect.isPresent() && !body.contains(expect.get())) {
            return CheckOutcome.fail("HTTP " + status + " but the body does not contain '" + expect.get() + "'");
        }
        return CheckOutcome.pass("HTTP " + status);
    }

    private static String readBounded(ResponseBody body) throws IOException {
        if (body == null) {
            return "";
        }
        BufferedSource source = body.source();
        source.request(MAX_BODY_BYTES);
        long size = Math.min(source.getBuffer().size(), MAX_BODY_BYTES);
        return source.getBuffer().snapshot((int) size).string(StandardCharsets.UTF_8);
    }

    /**
     * Records, for one call, whether it ran on a pooled connection: a connection was acquired without
     * one being opened. One per check (its calls run one at a time), reset before each call; attached to
     * the check's request as a tag and handed out by {@link #FACTORY}.
     */
    static final class Attempt extends EventListener {
        static final EventListener.Factory FACTORY = call -> {
            Attempt attempt = call.request().tag(Attempt.class);
            return attempt == null ? EventListener.NONE : attempt;
        };

        private volatile boolean opened;
        private volatile boolean acquired;

        @Override
        public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
            opened = true;
        }

        @Override
        public void connectionAcquired(Call call, Connection connection) {
            acquired = true;
        }

        void reset() {
            opened = false;
            acquired = false;
        }

        boolean reusedPooledConnection() {
            return acquired && !opened;
        }
    }
}
