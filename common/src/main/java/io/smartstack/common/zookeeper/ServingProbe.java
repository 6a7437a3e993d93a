package io.smartstack.common.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Asks a ZooKeeper server whether it serves clients, with its {@code srvr} four-letter command (it must
 * be whitelisted): a server that accepts connections but has not loaded its database yet answers
 * "not currently serving requests", one that serves answers with its {@code Mode:}. A bound port alone
 * is not readiness: a client connecting then may wait for seconds.
 */
final class ServingProbe {
    private final InetSocketAddress address;

    ServingProbe(String host, int port) {
        this.address = new InetSocketAddress(host, port);
    }

    /** True when the server answers {@code srvr} with its mode; false while it is starting or unreachable. */
    boolean serves() {
        try (Socket socket = new Socket()) {
            socket.connect(address, 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines().anyMatch(line -> line.startsWith("Mode: "));
        } catch (IOException notYet) {
            // Not listening yet, or it closed the connection while starting: not serving.
            return false;
        }
    }
}
