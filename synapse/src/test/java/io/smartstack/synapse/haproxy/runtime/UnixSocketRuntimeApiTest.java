package io.smartstack.synapse.haproxy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smartstack.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime session against a real HAProxy 2.6: pipelined batches, answers in order, idle sessions. */
class UnixSocketRuntimeApiTest {
    @TempDir
    Path directory;

    private Process haproxy;
    private Path socket;

    @BeforeEach
    void startHaproxy() throws Exception {
        socket = directory.resolve("haproxy.sock");
        StringBuilder servers = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            servers.append("  server s")
                    .append(i)
                    .append(" 127.0.0.1:")
                    .append(FreePorts.next())
                    .append('\n');
        }
        Path config = directory.resolve("haproxy.cfg");
        Files.writeString(
                config,
                """
                global
                  stats socket %s mode 600 level admin
                  stats timeout 1s
                defaults
                  mode http
                  timeout connect 1s
                  timeout client 5s
                  timeout server 5s
                backend b
                %sfrontend f
                  bind 127.0.0.1:%d
                  default_backend b
                """
                        .formatted(socket, servers, FreePorts.next()),
                StandardCharsets.UTF_8);
        haproxy = new ProcessBuilder("/usr/sbin/haproxy", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("haproxy.log").toFile())
                .start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
    }

    @AfterEach
    void stopHaproxy() throws Exception {
        haproxy.destroy();
        if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
            haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBatchGetsEachCommandsOwnAnswerInOrder() throws Exception {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket)) {
            List<String> answers = api.executeAll(List.of(
                    "set server b/s1 weight 7",
                    "show servers state b",
                    "set server b/nope weight 1",
                    "set server b/s2 state maint",
                    "show info"));
            assertThat(answers).hasSize(5);
            assertThat(answers.get(0)).isEmpty();
            List<RuntimeServer> state = RuntimeParsers.serversState(answers.get(1));
            assertThat(state).extracting(RuntimeServer::name).containsExactly("s1", "s2", "s3");
            assertThat(state.get(0).userWeight()).isEqualTo(7);
            assertThat(answers.get(2).strip()).isEqualTo("No such server.");
            assertThat(answers.get(3)).isEmpty();
            assertThat(RuntimeParsers.info(answers.get(4))).containsEntry("Name", "HAProxy");
            // the commands took effect, in order: s2 went to maintenance after the state above was read
            List<RuntimeServer> after = RuntimeParsers.serversState(api.execute("show servers state b"));
            assertThat(after.get(1).adminState()).isEqualTo(RuntimeCommand.AdminState.MAINT);
            assertThat(state.get(1).adminState()).isEqualTo(RuntimeCommand.AdminState.READY);
        }
    }

    @Test
    void aBatchLargerThanOneWriteIsSentInChunksAndEveryAnswerComes() throws Exception {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket)) {
            List<String> commands = new ArrayList<>();
            IntStream.rangeClosed(1, 300).forEach(i -> {
                commands.add("set server b/s" + (1 + i % 3) + " weight " + (1 + i % 200));
                commands.add("show servers state b");
            });
            List<String> answers = api.executeAll(commands);
            assertThat(answers).hasSize(600);
            for (int i = 1; i <= 300; i++) {
                assertThat(answers.get(2 * (i - 1))).isEmpty();
                RuntimeServer changed =
                        RuntimeParsers.serversState(answers.get(2 * i - 1)).get(i % 3);
                assertThat(changed.userWeight()).as("answer %d", i).isEqualTo(1 + i % 200);
            }
        }
    }

    @Test
    void aSessionHaproxyClosedWhileIdleIsOpenedAgainForTheNextBatch() throws Exception {
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket)) {
            assertThat(api.execute("show servers state b")).contains("s1");
            Thread.sleep(1500); // past `stats timeout 1s`: HAProxy closes the idle session
            List<String> answers = api.executeAll(List.of("set server b/s3 weight 3", "show servers state b"));
            assertThat(RuntimeParsers.serversState(answers.get(1)).get(2).userWeight())
                    .isEqualTo(3);
        }
    }

    @Test
    void sessionCountersReadAlongWithTheStateAreTheCountersShowStatGives() throws Exception {
        try (StatsSockets sockets = new StatsSockets(List.of(socket), Duration.ofSeconds(5))) {
            String name = socket.toString();
            // the first read learns the backend's id; the second sends show stat in the same batch
            RuntimeRead first = sockets.readBackends(name, List.of("b"), true);
            RuntimeRead second = sockets.readBackends(name, List.of("b"), true);
            Map<String, Map<String, ServerStats>> plain =
                    sockets.stats(name, List.of("b")).orElseThrow();
            for (RuntimeRead read : List.of(first, second)) {
                assertThat(read).isInstanceOf(RuntimeRead.Current.class);
                RuntimeState state = ((RuntimeRead.Current) read).state();
                assertThat(state.serversOf("b")).containsOnlyKeys("s1", "s2", "s3");
                assertThat(state.stats()).isEqualTo(plain);
            }
            assertThat(plain.get("b")).containsOnlyKeys("s1", "s2", "s3");
            assertThat(((RuntimeRead.Current) sockets.readBackends(name, List.of("b"), false))
                            .state()
                            .stats())
                    .isEmpty();
        }
    }

    @Test
    void noHaproxyIsAnErrorNamingTheSocket() throws Exception {
        stopHaproxy();
        Files.deleteIfExists(socket);
        try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket)) {
            assertThatThrownBy(() -> api.executeAll(List.of("show info"))).hasMessageContaining(socket.toString());
        }
    }
}
