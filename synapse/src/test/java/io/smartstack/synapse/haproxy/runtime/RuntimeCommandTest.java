package io.smartstack.synapse.haproxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AddServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.DelServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.EnableHealth;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.SetState;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.SetWeight;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.ShutdownSessions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuntimeCommandTest {
    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of(
                        new AddServer("web", "a_h:1", "10.0.0.1:80", 3, "check inter 2s"),
                        "add server web/a_h:1 10.0.0.1:80 id 3 check inter 2s",
                        "New server registered.\n",
                        true),
                Arguments.of(
                        new AddServer("web", "a", "10.0.0.1:80", 3, ""),
                        "add server web/a 10.0.0.1:80 id 3",
                        "custom id 3 already used\n",
                        false),
                Arguments.of(new DelServer("web", "a"), "del server web/a", "Server deleted.\n", true),
                Arguments.of(
                        new DelServer("web", "a"),
                        "del server web/a",
                        "Only servers in maintenance mode can be deleted.\n",
                        false),
                Arguments.of(new SetState("web", "a", AdminState.DRAIN), "set server web/a state drain", "", true),
                Arguments.of(
                        new SetState("web", "a", AdminState.READY),
                        "set server web/a state ready",
                        "No such server.\n",
                        false),
                Arguments.of(new SetWeight("web", "a", 42), "set server web/a weight 42", "", true),
                Arguments.of(new EnableHealth("web", "a"), "enable health web/a", "", true),
                Arguments.of(new ShutdownSessions("web", "a"), "shutdown sessions server web/a", "", true));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void rendersEachCommandAndJudgesTheAnswer(RuntimeCommand command, String wire, String answer, boolean ok) {
        assertEquals(wire, command.wire());
        assertEquals(ok, command.succeeded(answer));
    }

    private static final String POOL = " pool-max-conn -1 pool-purge-delay 5s";

    static Stream<Arguments> options() {
        return Stream.of(
                Arguments.of("check inter 2s rise 3 fall 2", "check inter 2s rise 3 fall 2" + POOL, List.of(), true),
                Arguments.of("cookie x check", "check" + POOL, List.of("cookie"), true),
                Arguments.of(
                        "resolvers dns init-addr none weight 5",
                        "weight 5" + POOL,
                        List.of("resolvers", "init-addr"),
                        false),
                Arguments.of("", POOL.trim(), List.of(), false),
                Arguments.of(
                        "backup redir http://x ssl verify none",
                        "backup ssl verify none" + POOL,
                        List.of("redir"),
                        false),
                Arguments.of("pool-purge-delay 1s", "pool-purge-delay 1s pool-max-conn -1", List.of(), false),
                Arguments.of("pool-max-conn 10 check", "pool-max-conn 10 check pool-purge-delay 5s", List.of(), true));
    }

    @ParameterizedTest
    @MethodSource("options")
    void dropsOptionsRefusedForDynamicServersAndAddsTheConnectionPoolDefaults(
            String in, String out, List<String> dropped, boolean check) {
        assertEquals(new DynamicOptions(out, dropped, check), DynamicOptions.translate(in));
    }
}
