package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckSpec;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The one OkHttp client all HTTP checks share (one connection pool, kept-alive connections across
 * runs), specialised per check for its timeouts and TLS verification.
 */
public final class HttpClients implements AutoCloseable {
    private final OkHttpClient shared = new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(512, 1, TimeUnit.MINUTES))
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .build();

    OkHttpClient forCheck(CheckSpec.Http spec) {
        Duration total = spec.openTimeout().plus(spec.readTimeout());
        OkHttpClient.Builder builder = shared.newBuilder()
                .connectTimeout(spec.openTimeout())
                .readTimeout(spec.readTimeout())
                .writeTimeout(spec.readTimeout())
                .callTimeout(total);
        if (spec.ssl() && !spec.sslVerify()) {
            X509TrustManager trustAll = TrustEverything.INSTANCE;
            builder.sslSocketFactory(TrustEverything.context().getSocketFactory(), trustAll)
                    .hostnameVerifier((hostname, session) -> true);
        }
        return builder.build();
    }

    @Override
    public void close() {
        shared.connectionPool().evictAll();
        shared.dispatcher().executorService().shutdown();
    }

    /** Accepts any certificate: only used where the configuration says {@code ssl_verify: false}. */
    static final class TrustEverything implements X509TrustManager {
        static final TrustEverything INSTANCE = new TrustEverything();

        static SSLContext context() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {INSTANCE}, new SecureRandom());
                return context;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
