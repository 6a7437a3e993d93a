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
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime API over a unix stats socket, in one interactive session ({@code prompt} mode: every
 * answer ends with {@code "\n> "}). Each answer must arrive within the read timeout (default 5 s),
 * or the session is dropped and the command fails. A command that finds the session closed
 * (HAProxy's idle timeout, the process exited) is retried once on a new session. Which process the
 * session is attached to is not this class's concern: {@link StatsSockets} checks it. Not
 * thread-safe: one owner thread.
 *
 * <p>{@link #executeAll} pipelines: it writes up to {@value #PIPELINED} commands at once and then
 * reads their answers in order (HAProxy's CLI runs the lines it is given one after the other), so a
 * batch costs one round trip instead of one per command; opening a session sends {@code prompt}
 * together with the first commands. Never more at once than fits the socket buffers, so HAProxy
 * never waits for answers to be read before it takes the next line.
 */
public final class UnixSocketRuntimeApi implements RuntimeApi {
    private static final byte[] PROMPT = "\n> ".getBytes(StandardCharsets.US_ASCII);
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);

    /** Commands written before their answers are read. */
    static final int PIPELINED = 32;

    private static final int PIPELINED_BYTES = 8 * 1024;

    private final Path socket;
    private final Duration readTimeout;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    /** Bytes read from the session and not yet returned as an answer. */
    private final Answer inbox = new Answer();

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
        return executeAll(List.of(command)).get(0);
    }

    /**
     * Sends the command lines in order and returns HAProxy's answers, in the same order, without the
     * prompt. A session that is found closed before any answer came is opened again once and the
     * whole batch sent again; once answers have come, a failure is a {@link PartialAnswers} holding
     * them, and nothing is sent again (those commands took effect).
     */
    public List<String> executeAll(List<String> commands) throws IOException {
        for (String command : commands) {
            if (command.contains("\n")) {
                throw new IllegalArgumentException("a runtime command is one line: " + command);
            }
        }
        List<String> answers = new ArrayList<>(commands.size());
        boolean fresh = channel == null;
        boolean retried = false;
        int from = 0;
        while (from < commands.size()) {
            int to = chunkEnd(commands, from);
            try {
                exchange(commands.subList(from, to), answers);
                from = to;
            } catch (IOException e) {
                reconnect();
                if (!answers.isEmpty()) {
                    throw new PartialAnswers(answers, e);
                }
                if (fresh || retried || e instanceof ReadTimeout) {
                    throw e;
                }
                retried = true;
            }
        }
        return answers;
    }

    /** The end of the chunk that starts at {@code from}: at most {@value #PIPELINED} lines and 8 KB. */
    private static int chunkEnd(List<String> commands, int from) {
        int to = from;
        int bytes = 0;
        while (to < commands.size() && to - from < PIPELINED) {
            bytes += commands.get(to).length() + 1;
            if (to > from && bytes > PIPELINED_BYTES) {
                break;
            }
            to++;
        }
        return to;
    }

    /** Writes {@code commands} at once and reads their answers into {@code answers}. */
    private void exchange(List<String> commands, List<String> answers) throws IOException {
        boolean opening = channel == null;
        if (opening) {
            open();
        }
        StringBuilder lines = new StringBuilder();
        if (opening) {
            lines.append("prompt\n");
        }
        for (String command : commands) {
            lines.append(command).append('\n');
        }
        write(lines.toString());
        if (opening) {
            try {
                readAnswer();
            } catch (IOException e) {
                throw new IOException("cannot open a session on " + socket + ": " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < commands.size(); i++) {
            answers.add(readAnswer());
        }
    }

    private void open() throws IOException {
        SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            opened.connect(UnixDomainSocketAddress.of(socket));
            opened.configureBlocking(false);
            if (selector == null) {
                selector = Selector.open();
            } else {
                selector.selectNow(); // lets go of the previous session's key
            }
            opened.register(selector, SelectionKey.OP_READ);
            channel = opened;
            inbox.reset();
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

    /** The next answer: the bytes up to the next prompt (an answer of only {@code "> "} is empty). */
    private String readAnswer() throws IOException {
        long deadline = System.nanoTime() + readTimeout.toNanos();
        int scanned = 0;
        while (true) {
            if (inbox.startsWith((byte) '>', (byte) ' ')) {
                inbox.consume(2);
                return "";
            }
            int end = inbox.indexOf(PROMPT, scanned);
            if (end >= 0) {
                String text = inbox.text(end);
                inbox.consume(end + PROMPT.length);
                return text;
            }
            scanned = Math.max(0, inbox.size() - PROMPT.length + 1);
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
            inbox.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        }
    }

    /** The answers that came before a session failed in the middle of a batch. */
    public static final class PartialAnswers extends IOException {
        private final transient List<String> answers;

        PartialAnswers(List<String> answers, IOException cause) {
            super(cause.getMessage(), cause);
            this.answers = List.copyOf(answers);
        }

        public List<String> answers() {
            return answers;
        }
    }

    /** Received bytes: searched for the prompt and consumed from the front, an answer at a time. */
    private static final class Answer extends ByteArrayOutputStream {
        Answer() {
            super(8192);
        }

        boolean startsWith(byte... head) {
            if (count < head.length) {
                return false;
            }
            for (int i = 0; i < head.length; i++) {
                if (buf[i] != head[i]) {
                    return false;
                }
            }
            return true;
        }

        /** The first index at or after {@code from} where {@code tail} starts, or -1. */
        int indexOf(byte[] tail, int from) {
            outer:
            for (int i = from; i <= count - tail.length; i++) {
                for (int j = 0; j < tail.length; j++) {
                    if (buf[i + j] != tail[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        String text(int length) {
            return new String(buf, 0, length, StandardCharsets.UTF_8);
        }

        void consume(int length) {
            System.arraycopy(buf, length, buf, 0, count - length);
            count -= length;
        }
    }

    @Override
    public void reconnect() {
        inbox.reset();
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
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing the selector of a closed session: nothing to report
            }
            selector = null;
        }
    }

    /** No answer within the read timeout: the session is dropped, the command not retried. */
    static final class ReadTimeout extends IOException {
        ReadTimeout(String message) {
            super(message);
        }
    }
}
