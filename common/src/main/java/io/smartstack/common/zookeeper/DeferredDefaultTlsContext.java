package io.smartstack.common.zookeeper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Security;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JVM's default TLS context, built by the JDK only when something uses it for a connection.
 *
 * <p>ZooKeeper's client, as its first handle is made, asks the default TLS context which protocols and cipher suites
 * it supports, to choose the defaults of its TLS connections, which it makes only with {@code
 * -Dzookeeper.client.secure=true}. Building the JDK's default context for those two questions reads the JVM's CA
 * certificates and loads the whole TLS stack: megabytes of a sidecar's resident memory. {@link
 * #prepareZooKeeperClient()} installs, before the first handle, a default context that answers them with what this
 * Java runtime supports ({@link #PROTOCOLS}, {@link #CIPHER_SUITES}) and hands everything else, then and later, to the
 * JDK's own default context, built on first use. With {@code zookeeper.client.secure} set it changes nothing: the
 * client then takes its defaults from the JDK's own context.
 */
final class DeferredDefaultTlsContext extends SSLContextSpi {
    /** The TLS protocols of Java 17 that ZooKeeper's probe looks for, newest first. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** The cipher suites Java 17 supports with its default security settings, in its order of preference. */
    static final String[] CIPHER_SUITES = {
        "TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
        "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
        "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA256",
        "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"
    };

    private static boolean prepared;

    private volatile boolean probing = true;
    private SSLContext jdkDefault; // guarded by this

    private DeferredDefaultTlsContext() {}

    /**
     * Installs the deferred default context and lets ZooKeeper's client classes take their TLS defaults from it;
     * once per JVM, before the first ZooKeeper handle. Without effect when ZooKeeper's TLS defaults were already
     * taken (a ZooKeeper server in the same JVM, say).
     */
    static synchronized void prepareZooKeeperClient() {
        if (prepared || Boolean.getBoolean("zookeeper.client.secure")) {
            return;
        }
        prepared = true;
        DeferredDefaultTlsContext spi = new DeferredDefaultTlsContext();
        SSLContext.setDefault(new SSLContext(spi, Security.getProvider("SunJSSE"), "Default") {});
        try {
            Class.forName("org.apache.zookeeper.common.X509Util", true, ZooKeeperClientFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("ZooKeeper's client is not on the class path", e);
        } finally {
            spi.probing = false;
        }
    }

    private synchronized SSLContext jdkDefault() {
        if (jdkDefault == null) {
            try {
                jdkDefault = SSLContext.getInstance("Default");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM has no default TLS context", e);
            }
        }
        return jdkDefault;
    }

    @Override
    protected void engineInit(KeyManager[] keyManagers, TrustManager[] trustManagers, SecureRandom random)
            throws KeyManagementException {
        throw new KeyManagementException("the default TLS context is initialized by the JDK");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return jdkDefault().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return probing ? new ServerSockets() : jdkDefault().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return jdkDefault().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return jdkDefault().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return jdkDefault().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return jdkDefault().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return jdkDefault().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        if (probing) {
            return new SSLParameters(CIPHER_SUITES.clone(), PROTOCOLS.clone());
        }
        return jdkDefault().getSupportedSSLParameters();
    }

    /**
     * The default server socket factory as ZooKeeper's probe obtains it (the JDK keeps it for the life of the JVM):
     * while probing, it answers the cipher-suite questions itself; everything else is the JDK default context's.
     */
    private final class ServerSockets extends SSLServerSocketFactory {
        private SSLServerSocketFactory jdk() {
            return jdkDefault().getServerSocketFactory();
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return probing ? CIPHER_SUITES.clone() : jdk().getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return probing ? CIPHER_SUITES.clone() : jdk().getSupportedCipherSuites();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return jdk().createServerSocket();
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return jdk().createServerSocket(port);
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return jdk().createServerSocket(port, backlog);
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            return jdk().createServerSocket(port, backlog, address);
        }
    }
}
