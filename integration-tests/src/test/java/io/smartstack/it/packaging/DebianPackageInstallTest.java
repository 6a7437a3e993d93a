package io.smartstack.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.smartstack.it.containers.DockerEngine;
import io.smartstack.it.containers.LocalImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The Debian package as a user gets it: {@code apt-get install ./smartstack_*.deb} in a clean Debian
 * container (the container suite's base image) fetches its dependencies; the shipped samples pass
 * {@code nerve validate} and {@code synapse validate}; pointed at a ZooKeeper container on the test's
 * own network, Nerve and Synapse start from the installed paths, as the installed units' User= and
 * ExecStart= say, register a demo service and route requests to it through the HAProxy Synapse runs.
 */
@Tag("containers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageInstallTest {
    static final String SUITE = "package";
    private static final String PACKAGE_HOST = "smartstack/package-host:1";
    private static final String RUNTIME = "smartstack/fleet-runtime:1";
    private static final String ZOOKEEPER = "smartstack/fleet-zookeeper:1";
    private static final Duration ROUTED = Duration.ofSeconds(90);
    private static final Path ROOT = Path.of(System.getProperty("smartstack.root", ".."));
    private static final Path DOCKER = ROOT.resolve("integration-tests/src/test/docker");

    private static Network network;
    private static GenericContainer<?> zooKeeper;
    private static GenericContainer<?> host;

    @BeforeAll
    @SuppressWarnings("resource") // closed in stopContainers
    static void installThePackageInACleanDebian() {
        DockerClient docker = DockerEngine.require();
        DockerEngine.removeLeftovers(docker, SUITE);
        LocalImage.build(PACKAGE_HOST, DOCKER.resolve("package-host"), Map.of("smartstack.deb", deb()));
        Path tools = ROOT.resolve("common/target/smartstack-tools.jar");
        LocalImage.build(RUNTIME, DOCKER.resolve("runtime"), Map.of());
        LocalImage.build(ZOOKEEPER, DOCKER.resolve("zookeeper-host"), Map.of("smartstack-tools.jar", tools));
        network = Network.builder()
                .createNetworkCmdModifier(command -> command.withLabels(Map.of(DockerEngine.SUITE_LABEL, SUITE)))
                .build();
        zooKeeper = new GenericContainer<>(DockerImageName.parse(ZOOKEEPER))
                .withNetwork(network)
                .withNetworkAliases("zk")
                .withLabel(DockerEngine.SUITE_LABEL, SUITE)
                .withCopyToContainer(
                        Transferable.of("tickTime=500\ndataDir=/var/lib/zookeeper\nclientPort=2181\n"
                                + "admin.enableServer=false\n"),
                        "/etc/smartstack/zoo.cfg");
        host = new GenericContainer<>(DockerImageName.parse(PACKAGE_HOST))
                .withNetwork(network)
                .withNetworkAliases("app-host")
                .withLabel(DockerEngine.SUITE_LABEL, SUITE)
                .withCreateContainerCmdModifier(command -> command.withHostName("app-host"))
                .withCopyToContainer(MountableFile.forHostPath(tools), "/opt/demo/smartstack-tools.jar")
                .withCopyToContainer(
                        MountableFile.forHostPath(DOCKER.resolve("package-host/run-like-systemd"), 0755),
                        "/usr/local/bin/run-like-systemd");
        zooKeeper.start();
        host.start();
    }

    @AfterAll
    static void stopContainers() {
        Stream.of(host, zooKeeper).filter(c -> c != null).forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    @Test
    @Order(1)
    void aptInstalledTheDependenciesTheUserTheUnitsAndTheLaunchers() {
        String status = exec("dpkg-query", "-W", "-f", "${Package} ${Status}\\n", "smartstack", "haproxy", "adduser");
        assertThat(status.lines())
                .containsExactlyInAnyOrder(
                        "smartstack install ok installed",
                        "haproxy install ok installed",
                        "adduser install ok installed");
        assertThat(exec("sh", "-c", "readlink -f \"$(command -v java)\"")).contains("/usr/lib/jvm/");
        assertThat(exec("getent", "passwd", "smartstack")).contains("/usr/sbin/nologin");
        assertThat(exec("ls", "/lib/systemd/system/nerve.service", "/lib/systemd/system/synapse.service"))
                .isNotBlank();
        assertThat(exec("readlink", "-f", "/usr/bin/nerve")).isEqualTo("/usr/share/smartstack/bin/nerve\n");
    }

    @Test
    @Order(2)
    void shippedSamplesPassValidate() {
        // exec fails the test unless validate exits 0
        assertThat(asUnitUser("/usr/bin/nerve validate --config /etc/smartstack/nerve.yaml"))
                .doesNotContain("problem");
        assertThat(asUnitUser("/usr/bin/synapse validate --config /etc/smartstack/synapse.yaml"))
                .doesNotContain("problem");
    }

    @Test
    @Order(3)
    void daemonsStartedAsTheUnitsSayRegisterAndRouteWithTheSamplesPointedAtZooKeeper() {
        // The samples, pointed at this test's ZooKeeper and at this host's own address.
        exec(
                "sh",
                "-c",
                "sed -i -e 's/zk1.internal:2181, zk2.internal:2181, zk3.internal:2181/zk:2181/'"
                        + " -e \"s/10.0.1.15/$(hostname -i)/\" /etc/smartstack/nerve.yaml /etc/smartstack/synapse.yaml"
                        + " && sed -i 's/10.0.9.9/127.0.0.1/' /etc/smartstack/synapse.yaml");
        exec(
                "sh",
                "-c",
                "setsid java -Xmx32m -cp /opt/demo/smartstack-tools.jar io.smartstack.common.demo.DemoService"
                        + " --bind 0.0.0.0 --port 8080 --name app-host-web >/var/log/demo.log 2>&1 </dev/null &");
        exec("run-like-systemd", "nerve");
        exec("run-like-systemd", "synapse");

        try {
            await().atMost(ROUTED).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
                            httpGet(3213, "web.internal"))
                    .contains("app-host-web"));
            assertThat(httpGet(3200, "web.internal"))
                    .as("the shared frontend, by Host header")
                    .contains("app-host-web");
            String uid = exec("id", "-u", "smartstack").trim();
            String flags = "java @/usr/share/smartstack/etc/jvm.options -jar /usr/share/smartstack/lib/";
            assertThat(processes().stream().filter(p -> p.contains(" java ")))
                    .as("the daemons run as the unit's user, with the JVM flags of /etc/smartstack/jvm.options")
                    .contains(uid + " " + flags + "nerve-all.jar --config /etc/smartstack/nerve.yaml")
                    .contains(uid + " " + flags + "synapse-all.jar --config /etc/smartstack/synapse.yaml");
            assertThat(processes().stream()
                            .filter(p -> p.matches("\\d+ \\S*haproxy .*"))
                            .map(p -> p.substring(0, p.indexOf(' '))))
                    .as("HAProxy, started by Synapse")
                    .isNotEmpty()
                    .allMatch(uid::equals);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + logs(), e);
        }
    }

    /** Every process of the host as {@code "<uid> <command line>"} (read from /proc: the image has no ps). */
    private static List<String> processes() {
        String script = "for p in /proc/[0-9]*; do c=\"$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)\";"
                + " [ -n \"$c\" ] || continue;"
                + " printf '%s %s\\n' \"$(sed -n 's/^Uid:[[:space:]]*\\([0-9]*\\).*/\\1/p' $p/status)\" \"$c\"; done";
        return exec("sh", "-c", script).lines().map(String::trim).toList();
    }

    /** {@code GET /} on 127.0.0.1:{@code port} inside the host (bash's /dev/tcp: the image has no HTTP client). */
    private static String httpGet(int port, String hostHeader) {
        return exec(
                "bash",
                "-c",
                "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET / HTTP/1.0\\r\\nHost: " + hostHeader
                        + "\\r\\n\\r\\n' >&3 && timeout 5 cat <&3");
    }

    private static String asUnitUser(String command) {
        return exec("sh", "-c", "runuser -u smartstack -- " + command + " 2>&1");
    }

    private static String exec(String... command) {
        try {
            ExecResult result = host.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + result.getExitCode() + ": "
                        + result.getStdout() + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + List.of(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String logs() {
        try {
            return "\n"
                    + host.execInContainer(
                                    "sh", "-c", "tail -n 40 /var/log/nerve.log /var/log/synapse.log /var/log/demo.log")
                            .getStdout();
        } catch (IOException | RuntimeException e) {
            return "\n(logs unavailable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Path deb() {
        Path target = ROOT.resolve("packaging/target");
        try (Stream<Path> files = Files.list(target)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("smartstack_.*_all\\.deb"))
                    .toList();
            if (debs.size() != 1) {
                throw new IllegalStateException("expected one smartstack_*_all.deb in " + target
                        + " (the packaging module builds it: mvn package), found " + debs);
            }
            return debs.get(0);
        } catch (IOException e) {
            throw new IllegalStateException("no " + target + ": build the packaging module first (mvn package)", e);
        }
    }
}
