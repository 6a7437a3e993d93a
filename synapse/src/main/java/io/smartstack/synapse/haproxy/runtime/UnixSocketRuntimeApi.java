package io.smartstack.synapse.haproxy.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The runtime API over a unix stats socket, in one interactive session ({@code prompt} mode: every
 * answer ends with {@code "\n> "}). Each answer must arrive within the read timeout (default 5 s),
 * or the session is dropped and the command fails. A command that finds the session closed
 * (HAProxy's idle timeout, the process exited) is retried once on a new session. Which process the
 * session is attached to is not this class's concern: {@link StatsSockets} checks it. Not
 * thread-safe: one owner thread.
 */
public final class UnixSocketRuntimeApi implements RuntimeApi {
    private static final byte[] PROMPT = "\n> ".getBytes(StandardCharsets.US_ASCII);
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);
    private final Path socket;
    private final Duration readTimeout;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private SocketChannel channel;
    private Selector selector;

    public UnixSocketRuntimeApi(Path socket) {
        this(socket, DEFAULT_READ_TIMEOUT);
    }

    public UnixSocketRuntimeApi(Path socket, Duration readTimeout) {
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("read timeout <= 0: " + readTimeout);
        }
        this.socket = socket;
        this.readTimeout = readTimeout;
    }

    public Path socket() {
        return socket;
    }

    /** Whether a session is open now (a process is attached to it). */
    public boolean connected() {
        return channel != null;
    }

    @Override
    public String execute(String command) throws IOException {
        if (command.contains("\n")) {
            throw new IllegalArgumentException("a runtime command is one line: " + command);
        }
        boolean fresh = channel == null;
        try {
            return exchange(command);
        } catch (IOException e) {
            reconnect();
            if (fresh || e instanceof ReadTimeout) {
                throw e;
            }
            return exchange(command);
        }
    }

    private String exchange(String command) throws IOException {
        if (channel == null) {
            open();
        }
        write(command + "\n");
        return readAnswer();
    }

    private void open() throws IOException {
        SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            opened.connect(UnixDomainSocketAddress.of(socket));
            opened.configureBlocking(false);
            selector = Selector.open();
            opened.register(selector, SelectionKey.OP_READ);
            channel = opened;
            write("prompt\n");
            readAnswer();
        } catch (IOException e) {
            reconnect();
            opened.close();
            throw new IOException("cannot open a session on " + socket + ": " + e.getMessage(), e);
        }
    }

    private void write(String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + readTimeout.toNanos();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new ReadTimeout("HAProxy did not take a command within " + readTimeout + " on " + socket);
                }
                Thread.onSpinWait();
            }
        }
    }

    private String readAnswer() throws IOException {
        Answer answer = new Answer();
        long deadline = System.nanoTime() + readTimeout.toNanos();
        while (true) {
            buffer.clear();
            int read = channel.read(buffer);
            if (read < 0) {
                throw new IOException("HAProxy closed the session on " + socket);
            }
            if (read == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ReadTimeout("no answer within " + readTimeout + " on " + socket);
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                continue;
            }
            buffer.flip();
            answer.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            // only the end can be the prompt: no copy of a long answer per chunk
            if (answer.size() == 2 && answer.endsWith((byte) '>', (byte) ' ')) {
                return "";
            }
            if (answer.endsWith(PROMPT)) {
                return answer.text(answer.size() - PROMPT.length);
            }
        }
    }

    /** The bytes of one answer, with a look at its end that copies nothing. */
    private static final class Answer extends ByteArrayOutputStream {
        Answer() {
            super(8192);
        }

        boolean endsWith(byte... tail) {
            if (count < tail.length) {
                return false;
            }
            for (int i = 0; i < tail.length; i++) {
                if (buf[count - tail.length + i] != tail[i]) {
                    return false;
                }
            }
            return true;
        }

        String text(int length) {
            return new String(buf, 0, length, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void reconnect() {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing the selector of a dropped session: nothing to report
            }
            selector = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a dead session: nothing to report
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        reconnect();
    }

    /** No answer within the read timeout: the session is dropped, the command not retried. */
    static final class ReadTimeout extends IOException {
        ReadTimeout(String message) {
            super(message);
        }
    }
}
