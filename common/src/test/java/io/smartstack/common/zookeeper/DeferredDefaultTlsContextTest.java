package io.smartstack.common.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyManagementException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.common.X509Util;
import org.junit.jupiter.api.Test;

class DeferredDefaultTlsContextTest {

    @Test
    void afterAZooKeeperClientConnectsTheDefaultTlsContextIsTheJdksOwn() throws Exception {
        try (TestingServer server = new TestingServer(true);
                CuratorFramework client =
                        ZooKeeperClientFactory.create(ZooKeeperSettings.of(server.getConnectString()))) {
            client.start();
            assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();

            SSLContext jdk = SSLContext.getInstance("Default");
            SSLContext deflt = SSLContext.getDefault();
            assertThat(deflt.getSupportedSSLParameters().getProtocols())
                    .containsExactly(jdk.getSupportedSSLParameters().getProtocols());
            assertThat(deflt.getSupportedSSLParameters().getCipherSuites())
                    .isNotEmpty()
                    .containsExactly(jdk.getSupportedSSLParameters().getCipherSuites());
            assertThat(deflt.getDefaultSSLParameters().getProtocols())
                    .containsExactly(jdk.getDefaultSSLParameters().getProtocols());
            assertThat(deflt.getSocketFactory().getClass())
                    .isEqualTo(jdk.getSocketFactory().getClass());
            try (SSLSocket socket = (SSLSocket) deflt.getSocketFactory().createSocket()) {
                assertThat(socket.getEnabledProtocols()).contains("TLSv1.3");
            }
            assertThat(deflt.createSSLEngine("localhost", 443).getPeerHost()).isEqualTo("localhost");
            assertThat(deflt.getProvider().getName())
                    .isEqualTo(jdk.getProvider().getName());
            SSLServerSocketFactory servers = (SSLServerSocketFactory) SSLServerSocketFactory.getDefault();
            assertThat(servers.getSupportedCipherSuites())
                    .containsExactly(jdk.getServerSocketFactory().getSupportedCipherSuites());
            try (ServerSocket socket = servers.createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket).isInstanceOf(SSLServerSocket.class);
            }
            assertThrows(KeyManagementException.class, () -> deflt.init(null, null, null));
            // ZooKeeper's own choice of protocol for its TLS connections is what the JDK's context would give it.
            assertThat(X509Util.DEFAULT_PROTOCOL).isEqualTo("TLSv1.3");
        }
    }

    /** What the deferred context tells ZooKeeper's probe is what this JVM's own default context would have told it. */
    @Test
    void theAnswersToZooKeepersProbeAreThoseOfThisJavaRuntime() throws Exception {
        SSLContext jdk = SSLContext.getInstance("Default");
        assertThat(DeferredDefaultTlsContext.CIPHER_SUITES)
                .containsExactly(jdk.getServerSocketFactory().getSupportedCipherSuites());
        assertThat(jdk.getSupportedSSLParameters().getProtocols()).startsWith(DeferredDefaultTlsContext.PROTOCOLS);
    }
}
