package io.smartstack.nerve.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.CheckSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TcpAndExecCheckTest {
    private final HealthChecks checks = new HealthChecks(new HttpClients());

    private CheckResult run(String type, String host, int port, Duration timeout, CheckSpec spec) {
        CheckConfig config = new CheckConfig(type, type + " check", host, port, timeout, 1, 1, spec);
        try (CheckRunner runner = new CheckRunner(config, checks.create(config), Clock.systemUTC())) {
            return runner.runOnce();
        }
    }

    @Test
    void tcpIsUpWhileSomethingListensOnIpv4AndIpv6() throws Exception {
        for (String host : List.of("127.0.0.1", "::1")) {
            int port;
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
                port = server.getLocalPort();
                CheckResult up = run("tcp", host, port, Duration.ofMillis(500), new CheckSpec.Tcp());
                assertTrue(up.passed(), host + ": " + up.reason());
            }
            CheckResult down = run("tcp", host, port, Duration.ofMillis(500), new CheckSpec.Tcp());
            assertFalse(down.passed(), host + " after close");
            assertTrue(down.reason().contains("ConnectException"), down.reason());
        }
    }

    @Test
    void execIsUpOnExitZeroAndReportsTheLastOutputLine() {
        CheckResult up = run(
                "exec",
                "h",
                1,
                Duration.ofSeconds(5),
                new CheckSpec.Exec(List.of("/bin/echo", "all good"), false, Optional.empty()));
        assertTrue(up.passed());
        assertEquals("all good", up.reason());
        CheckResult down = run(
                "exec",
                "h",
                1,
                Duration.ofSeconds(5),
                new CheckSpec.Exec(List.of("echo first; echo 'disk full' >&2; exit 3"), true, Optional.empty()));
        assertFalse(down.passed());
        assertEquals("exit 3: disk full", down.reason());
    }

    @Test
    void execIsKilledAtItsTimeout() {
        long start = System.nanoTime();
        CheckResult result = run(
                "exec",
                "h",
                1,
                Duration.ofMillis(300),
                new CheckSpec.Exec(List.of("/bin/sleep", "30"), false, Optional.empty()));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertFalse(result.passed());
        assertTrue(result.reason().contains("killed after the timeout of 300ms"), result.reason());
        assertTrue(tookMillis < 3000, "took " + tookMillis + "ms");
    }

    @Test
    void aMissingProgramIsAFailureNotAnException() {
        CheckResult result = run(
                "exec",
                "h",
                1,
                Duration.ofSeconds(1),
                new CheckSpec.Exec(List.of("/nonexistent/program"), false, Optional.empty()));
        assertFalse(result.passed());
        assertTrue(result.reason().contains("IOException"), result.reason());
    }
}
