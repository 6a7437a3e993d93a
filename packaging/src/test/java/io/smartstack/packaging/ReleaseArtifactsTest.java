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
 * The release tarball runs from wherever it is unpacked, with the JVM flags of its {@code etc/jvm.options}
 * (the same file as {@code bin/jvm.options} in the repository and {@code /etc/smartstack/jvm.options}
 * in the Debian package), and the Debian package holds what it promises.
 */
class ReleaseArtifactsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path temp;

    private static Path release;

    @BeforeAll
    static void unpackTheTarball() throws Exception {
        Command untar = Command.run("tar", "-xzf", Artifacts.tarball().toString(), "-C", temp.toString());
        assertThat(untar.exitCode()).as(untar.toString()).isZero();
        try (var entries = Files.list(temp)) {
            release = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void tarballHoldsLaunchersJarsSampleConfigsUnitsAndDocs() {
        for (String file : List.of(
                "bin/nerve",
                "bin/synapse",
                "lib/nerve-all.jar",
                "lib/synapse-all.jar",
                "etc/jvm.options",
                "etc/nerve.yaml",
                "etc/synapse.yaml",
                "systemd/nerve.service",
                "systemd/synapse.service",
                "docs/operations.md",
                "docs/monitoring/alerts.yml",
                "docs/monitoring/dashboard.json")) {
            assertThat(release.resolve(file)).as(file).exists();
        }
        assertThat(release.resolve("bin/nerve")).isExecutable();
    }

    @Test
    void tarballLaunchersValidateTheShippedSamples() {
        Command nerve = launch(
                "nerve",
                Map.of(),
                "validate",
                "--config",
                release.resolve("etc/nerve.yaml").toString());
        Command synapse = launch(
                "synapse",
                Map.of(),
                "validate",
                "--config",
                release.resolve("etc/synapse.yaml").toString());

        assertThat(nerve.exitCode()).as(nerve.toString()).isZero();
        assertThat(synapse.exitCode()).as(synapse.toString()).isZero();
    }

    @Test
    void launchersTakeTheirJvmFlagsFromTheFlagsFileUnlessJavaOptsIsSet() throws Exception {
        Path flags = release.resolve("etc/jvm.options");
        String shipped = Files.readString(flags);
        assertThat(shipped).isEqualTo(Files.readString(Artifacts.root().resolve("bin/jvm.options")));
        try {
            Files.writeString(flags, shipped + "-XX:+NoSuchFlagAnywhere\n");

            Command fromFile = launch("nerve", Map.of(), "--version");
            Command fromEnvironment = launch("nerve", Map.of("JAVA_OPTS", "-Xmx64m"), "--version");

            assertThat(fromFile.exitCode()).as(fromFile.toString()).isNotZero();
            assertThat(fromFile.output()).contains("NoSuchFlagAnywhere");
            assertThat(fromEnvironment.exitCode())
                    .as(fromEnvironment.toString())
                    .isZero();
        } finally {
            Files.writeString(flags, shipped);
        }
    }

    @Test
    void debianPackageInstallsLaunchersUnitsSamplesAndDependsOnJavaAndHaproxy() {
        assumeTrue(Command.available("dpkg-deb"), "dpkg-deb is not installed");
        String deb = Artifacts.deb().toString();

        Command contents = Command.run("dpkg-deb", "--contents", deb);
        Command depends = Command.run("dpkg-deb", "--field", deb, "Depends");
        Command conffiles = Command.run("dpkg-deb", "--info", deb, "conffiles");

        assertThat(contents.output())
                .contains("./usr/bin/nerve -> ../share/smartstack/bin/nerve")
                .contains("./usr/bin/synapse -> ../share/smartstack/bin/synapse")
                .contains("./lib/systemd/system/nerve.service")
                .contains("./lib/systemd/system/synapse.service")
                .contains("./usr/share/doc/smartstack/docs/operations.md");
        assertThat(depends.output()).contains("java17-runtime-headless").contains("haproxy (>= 2.6)");
        assertThat(conffiles.output().lines())
                .containsExactlyInAnyOrder(
                        "/etc/smartstack/jvm.options", "/etc/smartstack/nerve.yaml", "/etc/smartstack/synapse.yaml");
    }

    private static Command launch(String daemon, Map<String, String> environment, String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(release.resolve("bin").resolve(daemon).toString());
        command.addAll(List.of(arguments));
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.putIfAbsent("JAVA_OPTS", null);
        return Command.run(command, env, TIMEOUT);
    }
}
