package io.smartstack.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for tests, below the kernel's ephemeral range: never a fixed port another test or
 * the machine may hold, and never one the kernel may give to an outgoing connection between the moment
 * a port is chosen and the moment the process it is meant for (an HAProxy, a daemon) binds it.
 */
public final class FreePorts {
    /** Below the kernel's ephemeral range: the kernel never hands these out by itself. */
    private static final int FIXED_LOW = 20_000;

    private static final int FIXED_HIGH = ephemeralRangeStart() - 1;

    /** Every port handed out by this JVM: the kernel may pick a port again once its test socket closed. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {}

    /**
     * A port that was free on 127.0.0.1 a moment ago, never one handed out before: {@link
     * #nextOutsideEphemeralRange()}. A port the kernel picked (bind to port 0) is in its ephemeral range,
     * and a test's own connections (to ZooKeeper, to HAProxy) can take it before HAProxy binds it: a
     * stats port taken that way kept a managed HAProxy from starting for a whole test.
     */
    public static int next() {
        return nextOutsideEphemeralRange();
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

    /** The first port of {@code net.ipv4.ip_local_port_range} (Linux), else the usual 32768. */
    static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > FIXED_LOW + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static boolean handOut(int port) {
        synchronized (HANDED_OUT) {
            return HANDED_OUT.add(port);
        }
    }
}
