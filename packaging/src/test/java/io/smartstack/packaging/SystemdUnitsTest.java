package io.smartstack.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package's systemd units pass {@code systemd-analyze verify} with the package's files
 * in place: the built .deb is unpacked and laid over {@code /usr} in a private mount namespace
 * (so {@code /usr/bin/nerve} exists for the verifier, and nothing outside the test changes).
 * Needs systemd-analyze, dpkg-deb and a kernel that lets root mount an overlay in a new namespace.
 */
class SystemdUnitsTest {
    @TempDir
    static Path temp;

    private static Path unpacked;

    @BeforeAll
    static void unpackTheDebianPackage() {
        assumeTrue(Command.available("systemd-analyze"), "systemd-analyze is not installed");
        assumeTrue(Command.available("dpkg-deb"), "dpkg-deb is not installed");
        assumeTrue(
                Command.run("unshare", "-m", "mount", "-t", "tmpfs", "none", "/mnt")
                                .exitCode()
                        == 0,
                "no private mount namespace here (needs root)");
        unpacked = temp.resolve("root");
        Command unpack = Command.run("dpkg-deb", "-x", Artifacts.deb().toString(), unpacked.toString());
        assertThat(unpack.exitCode()).as(unpack.toString()).isZero();
    }

    @Test
    void installedUnitsPassSystemdAnalyzeVerify() {
        Command verify = verify(
                unpacked.resolve("lib/systemd/system/nerve.service"),
                unpacked.resolve("lib/systemd/system/synapse.service"));

        System.out.println("systemd-analyze verify nerve.service synapse.service: " + verify);
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.output()).as("verifier warnings").isBlank();
    }

    @Test
    void verifyReportsAUnitWhoseCommandIsMissing() throws Exception {
        Path broken = temp.resolve("broken.service");
        Files.writeString(
                broken,
                Files.readString(unpacked.resolve("lib/systemd/system/nerve.service"))
                        .replace("ExecStart=/usr/bin/nerve", "ExecStart=/usr/bin/nerve-is-not-installed"));

        Command verify = verify(broken);

        assertThat(verify.exitCode()).as(verify.toString()).isNotZero();
        assertThat(verify.output()).contains("/usr/bin/nerve-is-not-installed");
    }

    @Test
    void unitsReloadWithSighupDrainWithSigtermAndRestartOnFailure() throws Exception {
        String nerve = Files.readString(unpacked.resolve("lib/systemd/system/nerve.service"));
        String synapse = Files.readString(unpacked.resolve("lib/systemd/system/synapse.service"));
        for (String unit : List.of(nerve, synapse)) {
            assertThat(unit)
                    .contains("ExecReload=/bin/kill -HUP $MAINPID")
                    .contains("KillSignal=SIGTERM")
                    .contains("Restart=on-failure")
                    .contains("User=smartstack")
                    .contains("StandardError=journal");
        }
        assertThat(nerve).contains("ExecStart=/usr/bin/nerve --config /etc/smartstack/nerve.yaml");
        // Stopping Synapse must leave the HAProxy it manages serving.
        assertThat(synapse)
                .contains("ExecStart=/usr/bin/synapse --config /etc/smartstack/synapse.yaml")
                .contains("KillMode=process");
    }

    private static Command verify(Path... units) {
        StringBuilder script = new StringBuilder("mount -t overlay overlay -o lowerdir=")
                .append(unpacked.resolve("usr"))
                .append(":/usr /usr && exec systemd-analyze verify");
        for (Path unit : units) {
            script.append(' ').append(unit);
        }
        return Command.run(List.of("unshare", "-m", "sh", "-c", script.toString()), Map.of(), Duration.ofSeconds(60));
    }
}
