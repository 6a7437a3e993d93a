package io.smartstack.synapse.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of the DNS interface: one UDP socket and one TCP listener on the same address and port,
 * each served by its own named thread; TCP connections (length-prefixed messages, several per
 * connection) by a small pool, closed after 5 idle seconds, at most 4 at a time with 16 waiting
 * (more are closed at once). Every answer comes from {@link DnsResponder} on the table the supplier
 * gives at that moment. A bad packet is answered or dropped, never stops a thread. {@link #close()}
 * closes both sockets and the pool; it is idempotent.
 */
final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    private static final int IDLE_MILLIS = 5_000;

    private final DnsResponder responder;
    private final Supplier<DnsTable> table;
    private final AtomicLong queries = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>("");
    private DatagramSocket udp;
    private ServerSocket tcp;
    private ExecutorService connections;
    private volatile boolean closed;

    DnsServer(DnsResponder responder, Supplier<DnsTable> table) {
        this.responder = responder;
        this.table = table;
    }

    /** Binds both sockets ({@code port} 0: a free port, the same for both) and starts serving. */
    void start(String bindAddress, int port) throws IOException {
        InetAddress address = InetAddress.getByName(bindAddress);
        for (int attempt = 0; ; attempt++) {
            tcp = new ServerSocket();
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(address, port), 32);
            try {
                udp = new DatagramSocket(new InetSocketAddress(address, tcp.getLocalPort()));
                break;
            } catch (SocketException e) {
                tcp.close();
                if (port != 0 || attempt >= 10) {
                    throw e;
                }
            }
        }
        connections = new ThreadPoolExecutor(
                4, 4, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(16), daemon("dns-tcp-connection"));
        daemon("dns-udp").newThread(this::serveUdp).start();
        daemon("dns-tcp").newThread(this::acceptTcp).start();
    }

    int port() {
        return udp.getLocalPort();
    }

    long queries() {
        return queries.get();
    }

    String lastError() {
        return lastError.get();
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                Optional<byte[]> reply = respond(query, DnsResponder.Transport.UDP);
                if (reply.isPresent()) {
                    udp.send(new DatagramPacket(reply.get(), reply.get().length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (!closed) {
                    error("UDP", e);
                }
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket socket = tcp.accept();
                try {
                    connections.execute(() -> serveConnection(socket));
                } catch (RejectedExecutionException e) {
                    socket.close(); // too many connections: the client retries
                }
            } catch (IOException e) {
                if (!closed) {
                    error("TCP", e);
                }
            }
        }
    }

    private void serveConnection(Socket socket) {
        try (socket) {
            socket.setSoTimeout(IDLE_MILLIS);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (!closed) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                Optional<byte[]> reply = respond(query, DnsResponder.Transport.TCP);
                if (reply.isEmpty()) {
                    return;
                }
                out.writeShort(reply.get().length);
                out.write(reply.get());
                out.flush();
            }
        } catch (EOFException | SocketTimeoutException e) {
            // the client is done, or idle too long: closing the connection is the answer
        } catch (IOException e) {
            if (!closed) {
                error("TCP connection", e);
            }
        }
    }

    private Optional<byte[]> respond(byte[] query, DnsResponder.Transport transport) {
        queries.incrementAndGet();
        try {
            return responder.answer(query, table.get(), transport);
        } catch (RuntimeException e) {
            error("answering a query", e);
            return Optional.empty();
        }
    }

    private void error(String where, Exception e) {
        String text = where + ": " + e;
        if (!text.equals(lastError.getAndSet(text))) {
            LOG.warn("DNS server: {}", text);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(
                    runnable, name.equals("dns-tcp-connection") ? name + "-" + count.incrementAndGet() : name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (udp != null) {
            udp.close();
        }
        try {
            if (tcp != null) {
                tcp.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the DNS TCP listener: {}", e.toString());
        }
        if (connections != null) {
            connections.shutdownNow();
        }
    }
}
