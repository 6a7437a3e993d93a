package io.smartstack.nerve.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A test CA and a server certificate it signed, made by openssl in a directory: {@code ca.pem},
 * {@code server.pem}, {@code server-key.pem} and {@code server.p12} (password {@code changeit}). The
 * server certificate names only IP 127.0.0.1 (no DNS name), so a check of {@code localhost} must fail
 * host name verification.
 */
record TestCertificates(Path ca, Path certificate, Path key, Path pkcs12) {
    static TestCertificates create(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path ca = directory.resolve("ca.pem");
        Path caKey = directory.resolve("ca-key.pem");
        Path key = directory.resolve("server-key.pem");
        Path request = directory.resolve("server.csr");
        Path certificate = directory.resolve("server.pem");
        Path extensions = directory.resolve("server.ext");
        Path pkcs12 = directory.resolve("server.p12");
        Files.writeString(extensions, "subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n");
        openssl(
                directory,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Nerve Test CA",
                "-keyout",
                caKey.toString(),
                "-out",
                ca.toString());
        openssl(
                directory,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=nerve-test-server",
                "-keyout",
                key.toString(),
                "-out",
                request.toString());
        openssl(
                directory,
                "x509",
                "-req",
                "-in",
                request.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                extensions.toString(),
                "-out",
                certificate.toString());
        openssl(
                directory,
                "pkcs12",
                "-export",
                "-in",
                certificate.toString(),
                "-inkey",
                key.toString(),
                "-name",
                "server",
                "-passout",
                "pass:changeit",
                "-out",
                pkcs12.toString());
        // redis-server and RabbitMQ read the key as another user's process would: make it readable.
        key.toFile().setReadable(true, false);
        return new TestCertificates(ca, certificate, key, pkcs12);
    }

    /** A server-side TLS context presenting the server certificate. */
    SSLContext serverContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void openssl(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed:\n" + output);
        }
    }
}
