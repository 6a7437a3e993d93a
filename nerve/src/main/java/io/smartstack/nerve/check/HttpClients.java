package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/**
 * The one OkHttp client all HTTP checks share (one connection pool, kept-alive connections across
 * runs), specialised per check for its timeouts and TLS trust; plus, for each check, a client on a pool
 * that keeps nothing, for a request that must go out on a new connection.
 */
public final class HttpClients implements AutoCloseable {
    private final OkHttpClient shared = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(512, 1, TimeUnit.MINUTES))
            // Plain HTTP unless a check asks for TLS: a client that may speak TLS loads the JVM's CA
            // certificates and TLS stack as it is built (about 10 MB), which a host of plain checks never uses.
            .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .eventListenerFactory(HttpCheck.Attempt.FACTORY)
            .build();
    private final ConnectionPool keepsNothing = new ConnectionPool(0, 1, TimeUnit.SECONDS);

    /** The clients of one check: on the shared pool, and on a pool that never hands out a used connection. */
    record ForCheck(OkHttpClient pooled, OkHttpClient fresh) {}

    ForCheck forCheck(CheckSpec.Http spec) {
        Duration total = spec.openTimeout().plus(spec.readTimeout());
        OkHttpClient.Builder builder = shared.newBuilder()
                .connectTimeout(spec.openTimeout())
                .readTimeout(spec.readTimeout())
                .writeTimeout(spec.readTimeout())
                .callTimeout(total);
        if (spec.ssl()) {
            TlsTrust trust = TlsTrust.of(spec.tls());
            builder.connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT))
                    .sslSocketFactory(trust.context().getSocketFactory(), trust.trustManager());
            if (!spec.tls().verify()) {
                builder.hostnameVerifier((hostname, session) -> true);
            }
        }
        OkHttpClient pooled = builder.build();
        return new ForCheck(
                pooled, pooled.newBuilder().connectionPool(keepsNothing).build());
    }

    @Override
    public void close() {
        shared.connectionPool().evictAll();
        keepsNothing.evictAll();
        shared.dispatcher().executorService().shutdown();
    }
}
