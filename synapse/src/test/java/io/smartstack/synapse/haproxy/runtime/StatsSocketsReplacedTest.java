package io.smartstack.synapse.haproxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Just after a reload, HAProxy's old worker can still take connections on the stats socket before it knows it is to
 * stop ({@code Stopping: 0}). A stats socket scripted to hand the first connections to such a process and the later
 * ones to the new worker shows that a session goes to the new worker once the reload named the old pid
 * ({@link StatsSockets#replaced(long)}), and that a named pid that goes on answering as the current process is taken
 * for it after a second.
 */
class StatsSocketsReplacedTest {
    @TempDir
    Path directory;

    private ScriptedCli cli;

    @AfterEach
    void stop() throws IOException {
        if (cli != null) {
            cli.close();
        }
    }

    @Test
    void aSessionAfterAReloadGoesToTheNewWorkerWhileTheOldOneStillAnswers() throws Exception {
        assertEquals(Optional.of("1\n# answered by pid 200"), answerAfterReload(true));
    }

    @Test
    void withoutTheReloadNamingItTheOldWorkerIsTakenForTheCurrentOne() throws Exception {
        assertEquals(Optional.of("1\n# answered by pid 100"), answerAfterReload(false));
    }

    /**
     * {@code show servers state} in a session opened after a reload from worker 100 to worker 200, while the old
     * worker still takes the first new connection; {@code named}: the reload named pid 100 as replaced.
     */
    private Optional<String> answerAfterReload(boolean named) throws Exception {
        // connection 0: the session before the reload; 1: the old worker, not stopping yet; 2 on: the new worker
        cli = new ScriptedCli(directory.resolve("haproxy.sock"), connection -> connection < 2 ? 100 : 200);
        try (StatsSockets runtime = new StatsSockets(List.of(cli.socket), Duration.ofSeconds(5))) {
            String socket = cli.socket.toString();
            assertEquals(Optional.of("1\n# answered by pid 100"), runtime.serversState(socket));
            runtime.release();
            if (named) {
                runtime.replaced(100);
            }
            return runtime.serversState(socket);
        }
    }

    @Test
    void aReplacedPidThatGoesOnAnsweringAsTheCurrentProcessIsTakenForItAfterASecond() throws Exception {
        cli = new ScriptedCli(directory.resolve("haproxy.sock"), connection -> 100);
        try (StatsSockets runtime = new StatsSockets(List.of(cli.socket), Duration.ofSeconds(5))) {
            String socket = cli.socket.toString();
            runtime.replaced(100);
            assertEquals(Optional.of("1\n# answered by pid 100"), runtime.serversState(socket));
            int connections = cli.accepted.get();
            runtime.release();
            assertEquals(Optional.of("1\n# answered by pid 100"), runtime.serversState(socket));
            assertEquals(connections + 1, cli.accepted.get(), "once taken for the current process, no more retries");
        }
    }

    /**
     * HAProxy's CLI in prompt mode, as far as these sessions use it: {@code prompt}, {@code show info} (a pid, not
     * stopping) and {@code show servers state} (naming the pid that answered); the pid of each connection, counted
     * from 0, is the script's.
     */
    private static final class ScriptedCli implements AutoCloseable {
        final Path socket;
        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocketChannel server;
        private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        ScriptedCli(Path socket, IntUnaryOperator pidOfConnection) throws IOException {
            this.socket = socket;
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            this.acceptor = new Thread(
                    () -> {
                        try {
                            while (true) {
                                SocketChannel connection = server.accept();
                                connections.add(connection);
                                int pid = pidOfConnection.applyAsInt(accepted.getAndIncrement());
                                Thread answering = new Thread(() -> answer(connection, pid), "scripted-cli-" + pid);
                                answering.setDaemon(true);
                                answering.start();
                            }
                        } catch (IOException closed) {
                            // the script is over
                        }
                    },
                    "scripted-cli");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void answer(SocketChannel connection, int pid) {
            try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(Channels.newInputStream(connection), StandardCharsets.US_ASCII));
                    OutputStream out = Channels.newOutputStream(connection)) {
                for (String line; (line = in.readLine()) != null; ) {
                    String text =
                            switch (line) {
                                case "prompt" -> "";
                                case "show info" -> "Name: HAProxy\nVersion: 2.6.12\nPid: " + pid + "\nStopping: 0";
                                case "show servers state" -> "1\n# answered by pid " + pid;
                                default -> "Unknown command.";
                            };
                    out.write((text + "\n> ").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException closed) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (SocketChannel connection : connections) {
                connection.close();
            }
        }
    }
}
