package io.smartstack.synapse.haproxy.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The master-worker master CLI ({@code -S <socket>}): one connection per command, answer read to the end
 * (at most 10 s). */
public final class MasterCli {
    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "haproxy-master-cli-timeout");
        thread.setDaemon(true);
        return thread;
    });
    private final Path socket;

    public MasterCli(Path socket) {
        this.socket = socket;
    }

    public String execute(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            // the master answers, then closes once it has seen the end of our input
            channel.shutdownOutput();
            ScheduledFuture<?> guard = TIMEOUTS.schedule(() -> closeQuietly(channel), 10, TimeUnit.SECONDS);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            while (channel.read(in) >= 0) {
                in.flip();
                answer.write(in.array(), 0, in.limit());
                in.clear();
            }
            guard.cancel(false);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the read in progress reports the failure
        }
    }

    public ProcessList showProc() throws IOException {
        return ProcessList.parse(execute("show proc"));
    }
}
