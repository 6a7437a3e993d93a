package io.smartstack.synapse.haproxy.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The install flow with the real {@code haproxy -c}. */
class ConfigInstallerTest {
    /** Checked only ({@code haproxy -c} binds nothing), so a fixed port is harmless. */
    private static final String VALID = "global\n\tmaxconn 10\ndefaults\n\tmode http\n\ttimeout client 1s\n"
            + "\ttimeout server 1s\n\ttimeout connect 1s\nfrontend web\n\tbind 127.0.0.1:1\n\tdefault_backend web\n"
            + "backend web\n\tserver a 127.0.0.1:9 id 1\n";

    @TempDir
    Path directory;

    private ConfigInstaller installer() {
        return new ConfigInstaller(
                directory.resolve("haproxy.cfg"),
                directory.resolve("haproxy.cfg.candidate"),
                true,
                "/usr/sbin/haproxy -c -f %{file}");
    }

    @Test
    void aValidConfigIsCheckedThenInstalledAndAnUnchangedOneIsNotRewritten() throws Exception {
        ConfigInstaller installer = installer();

        assertEquals(ConfigInstaller.Outcome.INSTALLED, installer.install(VALID).outcome());
        assertEquals(VALID, Files.readString(directory.resolve("haproxy.cfg")));
        assertFalse(Files.exists(directory.resolve("haproxy.cfg.candidate")));
        long modified =
                Files.getLastModifiedTime(directory.resolve("haproxy.cfg")).toMillis();
        assertEquals(ConfigInstaller.Outcome.UNCHANGED, installer.install(VALID).outcome());
        assertEquals(
                modified,
                Files.getLastModifiedTime(directory.resolve("haproxy.cfg")).toMillis());
    }

    @Test
    void aFailingCandidateIsKeptAsFailedAndTheInstalledConfigStays() throws Exception {
        ConfigInstaller installer = installer();
        installer.install(VALID);
        String broken = VALID.replace("\tmaxconn 10", "\tno-such-keyword 10");

        ConfigInstaller.Result result = installer.install(broken);

        assertEquals(ConfigInstaller.Outcome.CHECK_FAILED, result.outcome());
        assertTrue(result.detail().contains("no-such-keyword"), result.detail());
        assertEquals(VALID, Files.readString(directory.resolve("haproxy.cfg")));
        assertEquals(broken, Files.readString(directory.resolve("haproxy.cfg.failed")));
    }

    @Test
    void withoutChecksTheCandidateIsInstalledAsIs() throws Exception {
        ConfigInstaller installer = new ConfigInstaller(
                directory.resolve("sub/haproxy.cfg"), directory.resolve("sub/haproxy.cfg.candidate"), false, "false");

        assertEquals(
                ConfigInstaller.Outcome.INSTALLED,
                installer.install("anything\n").outcome());
        assertEquals("anything\n", Files.readString(directory.resolve("sub/haproxy.cfg")));
    }
}
