package io.smartstack.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Free ephemeral loopback ports for tests: never a fixed port another test or the machine may hold. */
public final class FreePorts {
    /** Below Linux's default ephemeral range (32768-60999): the kernel never hands these out by itself. */
    private static final int FIXED_LOW = 20_000;

    private static final int FIXED_HIGH = 32_000;

    /** Every port handed out by this JVM: the kernel may pick a port again once its test socket closed. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {}

    /** A port that was free on 127.0.0.1 a moment ago (the kernel picks it), never one handed out before. */
    public static int next() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                if (handOut(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no loopback port left that was not handed out already");
    }

    /**
     * A free loopback port below the kernel's ephemeral range, never one handed out before. For a
     * process that binds many ports some time after they were chosen (an HAProxy with a thousand
     * frontends): meanwhile the kernel gives ephemeral ports to every outgoing connection and to
     * every bind to port 0, and could give one of these away.
     */
    public static int nextOutsideEphemeralRange() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 10_000; attempt++) {
            int port = random.nextInt(FIXED_LOW, FIXED_HIGH);
            synchronized (HANDED_OUT) {
                if (HANDED_OUT.contains(port)) {
                    continue;
                }
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException taken) {
                continue;
            }
            if (handOut(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + FIXED_LOW + " and " + FIXED_HIGH);
    }

    private static boolean handOut(int port) {
        synchronized (HANDED_OUT) {
            return HANDED_OUT.add(port);
        }
    }
}
