package io.smartstack.nerve.check;

import io.smartstack.nerve.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What a check's TLS client trusts: the JVM's default CAs, the certificates of {@code ssl_ca_file}, or
 * (with {@code ssl_verify: false}) anything. Host names are checked by each client against the check's
 * host, through the JDK's endpoint identification, which matches IP addresses against IP SANs.
 */
record TlsTrust(SSLContext context, X509TrustManager trustManager) {

    static TlsTrust of(TlsSettings settings) {
        try {
            X509TrustManager manager = settings.verify()
                    ? trustManager(settings.caFile().map(TlsTrust::caStore).orElse(null))
                    : TrustEverything.INSTANCE;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, new SecureRandom());
            return new TlsTrust(context, manager);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /** Parameters that make the JDK check the certificate's names against the host connected to. */
    static SSLParameters hostChecking() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Arrays.stream(factory.getTrustManagers())
                .filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast)
                .findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager in this JVM"));
    }

    private static KeyStore caStore(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("ssl_ca_file " + file + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int number = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + number++, certificate);
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ssl_ca_file " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "ssl_ca_file " + file + " is not PEM certificates: " + e.getMessage(), e);
        }
    }

    /** Accepts any certificate: only used where the configuration says {@code ssl_verify: false}. */
    static final class TrustEverything implements X509TrustManager {
        static final TrustEverything INSTANCE = new TrustEverything();

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
