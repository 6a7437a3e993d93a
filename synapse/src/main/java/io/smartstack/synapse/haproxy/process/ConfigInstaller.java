package io.smartstack.synapse.haproxy.process;

import io.smartstack.common.file.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * Installs a haproxy.cfg the safe way: compare with the file on disk (equal: nothing happens) -> write
 * the candidate -> check it ({@code haproxy -c -f candidate}) -> atomic rename over the installed
 * file ({@link AtomicFile}: flushed to disk before the rename). A candidate that fails the check is kept as {@code <file>.failed} and the installed file is
 * left as it was. Not thread-safe: one owner thread.
 */
public final class ConfigInstaller {
    /** What {@link #install} did. */
    public enum Outcome {
        UNCHANGED,
        INSTALLED,
        CHECK_FAILED
    }

    /** @param detail the check's output when it failed */
    public record Result(Outcome outcome, String detail) {}

    private final Path configFile;
    private final Path candidateFile;
    private final boolean doChecks;
    private final String checkCommand;

    /** Whether each candidate is checked before it is installed. */
    public boolean checks() {
        return doChecks;
    }

    /** @param checkCommand shell command; {@code %{file}} is replaced by the candidate's path */
    public ConfigInstaller(Path configFile, Path candidateFile, boolean doChecks, String checkCommand) {
        this.configFile = configFile;
        this.candidateFile = candidateFile;
        this.doChecks = doChecks;
        this.checkCommand = checkCommand;
    }

    public Path configFile() {
        return configFile;
    }

    public Path failedFile() {
        return configFile.resolveSibling(configFile.getFileName() + ".failed");
    }

    /** The installed text, or empty when there is no file. */
    public String installed() throws IOException {
        try {
            return Files.readString(configFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    public Result install(String text) throws IOException {
        if (installed().equals(text)) {
            return new Result(Outcome.UNCHANGED, "");
        }
        AtomicFile.write(candidateFile, text);
        if (doChecks) {
            CommandResult check = CommandResult.run(
                    List.of("/bin/sh", "-c", checkCommand.replace("%{file}", quote(candidateFile.toString()))),
                    Duration.ofSeconds(60));
            if (check.exitCode() != 0) {
                Files.move(candidateFile, failedFile(), StandardCopyOption.REPLACE_EXISTING);
                return new Result(Outcome.CHECK_FAILED, check.output().strip());
            }
        }
        AtomicFile.replace(candidateFile, configFile);
        return new Result(Outcome.INSTALLED, "");
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\"'\"'") + "'";
    }
}
