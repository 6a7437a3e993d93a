package io.smartstack.nerve.check;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Up when a TCP connection to host:port opens within the timeout; IPv4 and IPv6 (e.g. {@code ::1}). */
final class TcpCheck implements HealthCheck {
    private final String host;
    private final int port;
    private final Duration timeout;

    TcpCheck(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    @Override
    public CheckOutcome run() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(Math.max(1, timeout.toMillis())));
            return CheckOutcome.pass("connected to " + Endpoints.display(host, port));
        }
    }
}
