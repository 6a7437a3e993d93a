package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.it.support.Launchers;
import io.smartstack.testing.ExternalProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vagrant environment cannot boot here (no virtualisation), so CI checks what it can: the
 * Vagrantfile parses as Ruby, and the provisioning script it calls runs, installing through the shared
 * helper and writing configs that validate, for every role.
 */
class VagrantEnvironmentTest {
    @TempDir
    Path temp;

    private ExternalProcess.Result run(List<String> command) throws Exception {
        try (ExternalProcess process = ExternalProcess.start("command-" + System.nanoTime(), command, temp)) {
            assertThat(process.process().waitFor(120, TimeUnit.SECONDS))
                    .as("finished: " + command)
                    .isTrue();
            return new ExternalProcess.Result(process.process().exitValue(), process.logText());
        }
    }

    @Test
    void vagrantfileIsValidRubyAndCallsTheProvisioningScript() throws Exception {
        Path vagrantfile = Launchers.root().resolve("Vagrantfile");
        ExternalProcess.Result syntax = run(List.of("ruby", "-c", vagrantfile.toString()));
        assertThat(syntax.exitCode()).as(syntax.output()).isZero();
        assertThat(syntax.output()).contains("Syntax OK");
        assertThat(Files.readString(vagrantfile)).contains("path: \"scripts/vagrant-provision\"");
        assertThat(Launchers.root().resolve("scripts/vagrant-provision")).isExecutable();
    }

    @Test
    void provisioningPreparesAndValidatesEveryRolesConfig() throws Exception {
        String script = Launchers.root().resolve("scripts/vagrant-provision").toString();
        for (String role : List.of("zookeeper", "app", "consumer")) {
            Path dir = temp.resolve(role);
            ExternalProcess.Result result = run(List.of(
                    script,
                    role,
                    "--ip",
                    "192.168.56.11",
                    "--zookeeper",
                    "192.168.56.10:2181",
                    "--prepare-only",
                    dir.toString()));
            assertThat(result.exitCode()).as(role + ": " + result.output()).isZero();
            assertThat(result.output()).contains("prerequisites are installed");
        }
        assertThat(Files.readString(temp.resolve("app/nerve.yaml")))
                .contains("host: 192.168.56.11")
                .contains("zk_hosts: [192.168.56.10:2181]");
        assertThat(Files.readString(temp.resolve("consumer/synapse.yaml"))).contains("hosts: [192.168.56.10:2181]");
    }
}
