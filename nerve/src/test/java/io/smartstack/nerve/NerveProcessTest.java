package io.smartstack.nerve;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.testing.ExternalProcess;
import io.smartstack.testing.FreePorts;
import io.smartstack.testing.HealthEndpoint;
import io.smartstack.testing.ZooKeeperObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Nerve as a real process (the test classpath, main class NerveMain): signals, exit codes and the CLI. */
class NerveProcessTest {
    @TempDir
    Path directory;

    private TestingServer zooKeeper;
    private CuratorFramework observer;
    private HealthEndpoint endpoint;
    private int adminPort;
    private Path configFile;

    @BeforeEach
    void start() throws Exception {
        zooKeeper = new TestingServer(true);
        observer = ZooKeeperObserver.connected(zooKeeper.getConnectString());
        endpoint = HealthEndpoint.start();
        adminPort = FreePorts.next();
        configFile = directory.resolve("nerve.conf.json");
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.close();
        observer.close();
        zooKeeper.close();
    }

    private String service(String name) {
        return """
                "%s": {"host": "127.0.0.1", "port": %d, "zk_hosts": ["%s"],
                       "zk_path": "/nerve/services/%s/services", "check_interval": 0.2,
                       "checks": [{"type": "http", "uri": "/health", "timeout": 1}]}
                """
                .formatted(name, endpoint.port(), zooKeeper.getConnectString(), name);
    }

    private void writeConfig(String... services) throws Exception {
        Files.writeString(
                configFile,
                """
                {"instance_id": "proc-1", "admin": {"port": %d}, "services": {%s}}
                """
                        .formatted(adminPort, String.join(",", services)));
    }

    private ExternalProcess startNerve() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return ExternalProcess.start(
                        "nerve",
                        List.of(
                                java,
                                "-Xmx128m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                NerveMain.class.getName(),
                                "--config",
                                configFile.toString()),
                        directory.resolve("logs"))
                .awaitPort(adminPort, Duration.ofSeconds(30));
    }

    private List<String> nodes(String service) throws Exception {
        try {
            return observer.getChildren().forPath("/nerve/services/" + service + "/services");
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private static int signal(ExternalProcess process, String signal) throws Exception {
        return new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .start()
                .waitFor();
    }

    @Test
    void sigtermDeletesEveryRegistrationAndExitsZeroAndSighupReloads() throws Exception {
        writeConfig(service("web"));
        try (ExternalProcess nerve = startNerve()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> nodes("web").size() == 1);
            assertTrue(
                    nerve.logText().contains("admin API listening on http://127.0.0.1:" + adminPort), nerve.logText());

            writeConfig(service("web"), service("api"));
            assertEquals(0, signal(nerve, "HUP"));
            await().atMost(Duration.ofSeconds(10)).until(() -> nodes("api").size() == 1);
            assertTrue(nerve.isAlive());

            Files.writeString(configFile, "{\"services\": {\"web\": {\"hots\": 1}}}");
            assertEquals(0, signal(nerve, "HUP"));
            await().atMost(Duration.ofSeconds(10)).until(() -> nerve.logText().contains("reload rejected"));
            assertEquals(1, nodes("web").size());
            assertEquals(1, nodes("api").size());

            StringWriter out = new StringWriter();
            int maint = new CommandLine(new NerveMain())
                    .setOut(new PrintWriter(out))
                    .execute("maint", "on", "web", "--reason", "cli test", "--admin", "http://127.0.0.1:" + adminPort);
            assertEquals(0, maint);
            await().atMost(Duration.ofSeconds(10)).until(() -> nodes("web").isEmpty());
            StringWriter status = new StringWriter();
            assertEquals(
                    0,
                    new CommandLine(new NerveMain())
                            .setOut(new PrintWriter(status))
                            .execute("status", "--admin", "http://127.0.0.1:" + adminPort));
            assertTrue(status.toString().matches("(?s).*web\\s+up\\s+yes.*"), status.toString());
            assertTrue(
                    status.toString().matches("(?s).*api\\s+up\\s+no\\s+/nerve/services/api/services/proc-1_.*"),
                    status.toString());
            assertEquals(
                    0,
                    new CommandLine(new NerveMain())
                            .execute("maint", "off", "web", "--admin", "http://127.0.0.1:" + adminPort));
            await().atMost(Duration.ofSeconds(10)).until(() -> nodes("web").size() == 1);

            long signalled = System.nanoTime();
            int exit = nerve.terminate(Duration.ofSeconds(10));
            long tookMillis = (System.nanoTime() - signalled) / 1_000_000;
            assertEquals(0, exit, nerve.logText());
            assertEquals(List.of(), nodes("web"));
            assertEquals(List.of(), nodes("api"));
            assertTrue(nerve.logText().contains("drained every registration"), nerve.logText());
            assertTrue(tookMillis < 3000, "exited " + tookMillis + "ms after SIGTERM");
        }
    }

    @Test
    void validateExitsZeroForAGoodConfigAndTwoListingEveryProblem() throws Exception {
        writeConfig(service("web"));
        assertEquals(0, new CommandLine(new NerveMain()).execute("validate", "--config", configFile.toString()));
        assertEquals(0, new CommandLine(new NerveMain()).execute("-k", "-c", configFile.toString()));
        Files.writeString(
                configFile,
                """
                {"instance_id": "x", "services": {"web": {"host": "h", "prot": 1, "zk_hosts": [], "zk_path": "p"}}}
                """);
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new NerveMain())
                .setErr(new PrintWriter(err))
                .execute("validate", "--config", configFile.toString());
        assertEquals(2, exit);
        String text = err.toString();
        assertTrue(text.contains("services.web.port: is required"), text);
        assertTrue(text.contains("Did you mean: port?"), text);
        assertTrue(text.contains("services.web.zk_hosts"), text);
        assertTrue(text.contains("services.web.zk_path: must start with /"), text);
        assertEquals(
                2,
                new CommandLine(new NerveMain())
                        .setErr(new PrintWriter(new StringWriter()))
                        .execute("-c", configFile.toString()));
        assertEquals(
                2,
                new CommandLine(new NerveMain())
                        .setErr(new PrintWriter(new StringWriter()))
                        .execute("--no-such-flag"));
    }

    @Test
    void validateWarnsThatAnOriginalSslCheckNowVerifiesCertificates() throws Exception {
        Files.writeString(
                configFile,
                """
                {"instance_id": "x", "services": {"web": {"host": "127.0.0.1", "port": 8443,
                  "zk_hosts": ["127.0.0.1:2181"], "zk_path": "/nerve/web",
                  "checks": [{"type": "http", "uri": "/health", "ssl": true},
                             {"type": "http", "name": "opted out", "uri": "/", "ssl": true, "ssl_verify": false}]}}}
                """);
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new NerveMain())
                .setErr(new PrintWriter(err))
                .setOut(new PrintWriter(out))
                .execute("validate", "--config", configFile.toString());
        assertEquals(0, exit, err.toString());
        String text = err.toString();
        assertTrue(
                text.contains("warning: services.web check 'web http-127.0.0.1:8443': ssl: true now verifies"), text);
        assertTrue(text.contains("set ssl_verify: false to keep the original behaviour"), text);
        assertEquals(1, text.lines().filter(line -> line.startsWith("warning:")).count(), text);
        assertTrue(out.toString().contains("configuration OK"), out.toString());
    }
}
