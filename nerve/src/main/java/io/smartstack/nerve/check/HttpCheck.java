package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckSpec;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import okhttp3.OkHttpClient;
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
 */
final class HttpCheck implements HealthCheck {
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private final OkHttpClient client;
    private final Request request;
    private final Optional<String> expect;

    HttpCheck(OkHttpClient client, String host, int port, CheckSpec.Http spec) {
        this.client = client;
        String url = (spec.ssl() ? "https://" : "http://") + Endpoints.display(host, port) + spec.uri();
        Request.Builder builder = new Request.Builder().url(url);
        spec.headers().forEach(builder::header);
        RequestBody body = okhttp3.internal.http.HttpMethod.requiresRequestBody(spec.method())
                ? RequestBody.create(new byte[0], null)
                : null;
        builder.method(spec.method(), body);
        this.request = builder.build();
        this.expect = spec.expect();
    }

    @Override
    public CheckOutcome run() throws Exception {
        try (Response response = client.newCall(request).execute()) {
            int status = response.code();
            if (status < 200 || status > 399) {
                return CheckOutcome.fail("HTTP " + status + " from " + request.url());
            }
            if (expect.isPresent()) {
                String body = readBounded(response.body());
                if (!body.contains(expect.get())) {
                    return CheckOutcome.fail(
                            "HTTP " + status + " but the body does not contain '" + expect.get() + "'");
                }
            } else {
                readBounded(response.body());
            }
            return CheckOutcome.pass("HTTP " + status);
        }
    }

    private static String readBounded(ResponseBody body) throws java.io.IOException {
        if (body == null) {
            return "";
        }
        BufferedSource source = body.source();
        source.request(MAX_BODY_BYTES);
        long size = Math.min(source.getBuffer().size(), MAX_BODY_BYTES);
        return source.getBuffer().snapshot((int) size).string(StandardCharsets.UTF_8);
    }
}
