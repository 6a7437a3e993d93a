package io.smartstack.synapse.haproxy.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The runtime API over a unix stats socket, in one persistent interactive session ({@code prompt}
 * mode: every answer ends with {@code "\n> "}). A command that finds the session closed (HAProxy's
 * idle timeout, or a reload replaced the worker) is retried once on a new session. Not thread-safe:
 * one owner thread.
 */
public final class UnixSocketRuntimeApi implements RuntimeApi {
    private static final byte[] PROMPT = "\n> ".getBytes(StandardCharsets.US_ASCII);
    private final Path socket;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private SocketChannel channel;

    public UnixSocketRuntimeApi(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
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
            if (fresh) {
                throw e;
            }
            return exchange(command);
        }
    }

    private String exchange(String command) throws IOException {
        if (channel == null) {
            channel = open();
        }
        write(command + "\n");
        return readAnswer();
    }

    private SocketChannel open() throws IOException {
        SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            opened.connect(UnixDomainSocketAddress.of(socket));
            channel = opened;
            write("prompt\n");
            readAnswer();
            return opened;
        } catch (IOException e) {
            opened.close();
            channel = null;
            throw new IOException("cannot open a session on " + socket + ": " + e.getMessage(), e);
        }
    }

    private void write(String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private String readAnswer() throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        while (true) {
            buffer.clear();
            int read = channel.read(buffer);
            if (read < 0) {
                throw new IOException("HAProxy closed the session on " + socket);
            }
            buffer.flip();
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            answer.writeBytes(chunk);
            byte[] all = answer.toByteArray();
            if (endsWithPrompt(all)) {
                return new String(all, 0, all.length - PROMPT.length, StandardCharsets.UTF_8);
            }
            if (all.length == 2 && all[0] == '>' && all[1] == ' ') {
                return "";
            }
        }
    }

    private static boolean endsWithPrompt(byte[] all) {
        if (all.length < PROMPT.length) {
            return false;
        }
        for (int i = 0; i < PROMPT.length; i++) {
            if (all[all.length - PROMPT.length + i] != PROMPT[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void reconnect() {
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
}
