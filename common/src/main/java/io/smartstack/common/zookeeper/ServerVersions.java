package io.smartstack.common.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ConnectStringParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns which ZooKeeper server version a client talks to, once per client, so each daemon uses only the
 * calls that server implements (a server that gets a request it does not know answers "unimplemented" and
 * drops the connection). Once the client is connected, every server in its connect string is asked with
 * the {@code srvr} four-letter command (whitelisted by default in 3.5 and newer); the lowest version any
 * answers decides, since the client may move to any of them. When none answers (3.4.10 and newer always
 * allow {@code srvr}, but a proxy or a TLS-only port may not pass it), the {@code /zookeeper/config} node tells 3.4 (absent) from 3.5 and newer (present), and the
 * version counts as that lower bound. The result is logged once.
 */
public final class ServerVersions {
    private static final Logger log = LoggerFactory.getLogger(ServerVersions.class);
    private static final Map<CuratorFramework, CompletableFuture<ServerVersion>> known =
            Collections.synchronizedMap(new WeakHashMap<>());

    private ServerVersions() {}

    /**
     * The server version for a started {@code client}, completed once it has connected and the version is
     * known (cancelled when the client closes first). Every call for one client shares one probe.
     */
    public static CompletableFuture<ServerVersion> of(CuratorFramework client) {
        return known.computeIfAbsent(client, ServerVersions::startProbe);
    }

    private static CompletableFuture<ServerVersion> startProbe(CuratorFramework client) {
        CompletableFuture<ServerVersion> version = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        ServerVersion found = probe(client);
                        log.info(
                                "ZooKeeper {} runs server version {}{}",
                                client.getZookeeperClient().getCurrentConnectionString(),
                                found,
                                found.exact() ? "" : " (no server answered srvr)");
                        version.complete(found);
                    } catch (InterruptedException | CancellationException e) {
                        version.cancel(false);
                    } catch (RuntimeException e) {
                        version.completeExceptionally(e);
                    }
                },
                "zookeeper-server-version");
        thread.setDaemon(true);
        thread.start();
        return version;
    }

    /** Blocks until the client is connected and the version is known; cancelled when the client stops. */
    static ServerVersion probe(CuratorFramework client) throws InterruptedException {
        while (true) {
            if (client.getState() == CuratorFrameworkState.STOPPED) {
                throw new CancellationException("ZooKeeper client closed");
            }
            if (!client.blockUntilConnected(1, TimeUnit.SECONDS)) {
                continue;
            }
            String connectString = client.getZookeeperClient().getCurrentConnectionString();
            Optional<ServerVersion> answered = new ConnectStringParser(connectString)
                    .getServerAddresses().stream()
                            .map(ServerVersions::srvr)
                            .flatMap(Optional::stream)
                            .min(ServerVersion::compareTo);
            if (answered.isPresent()) {
                return answered.get();
            }
            try {
                return lineOf(client);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // Connection lost meanwhile, or the client is closing: try again once connected.
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    /**
     * The lower bound a connected client can learn without {@code srvr}: {@link ServerVersion#BEFORE_3_5}
     * when the server has no {@code /zookeeper/config} node (3.4), {@link ServerVersion#AT_LEAST_3_5}
     * otherwise. Read with the handle's own config call, which ignores a chroot in the connect string.
     */
    public static ServerVersion lineOf(CuratorFramework client) throws Exception {
        try {
            client.getZookeeperClient().getZooKeeper().getConfig(false, null);
            return ServerVersion.AT_LEAST_3_5;
        } catch (KeeperException.NoNodeException e) {
            return ServerVersion.BEFORE_3_5;
        }
    }

    /** The version one server states in its {@code srvr} answer; empty when it does not answer so. */
    public static Optional<ServerVersion> srvr(InetSocketAddress server) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHostString(), server.getPort()), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return ServerVersion.fromSrvr(new String(in.readNBytes(4096), StandardCharsets.US_ASCII));
        } catch (IOException unreachableOrRefused) {
            return Optional.empty();
        }
    }
}
