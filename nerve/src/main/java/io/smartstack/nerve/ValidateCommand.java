package io.smartstack.nerve;

import io.smartstack.common.cli.ExitCodes;
import io.smartstack.nerve.config.ConfigWarnings;
import io.smartstack.nerve.config.NerveConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nerve validate --config FILE}: exit 0 (printing any {@link ConfigWarnings} to stderr first), or 2
 * printing every problem.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Checks a config file and exits.")
final class ValidateCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            required = true,
            defaultValue = "${env:NERVE_CONFIG}",
            description = "Config file.")
    Path config;

    @Option(
            names = {"-i", "--instance_id", "--instance-id"},
            defaultValue = "${env:NERVE_INSTANCE_ID}")
    String instanceId;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Optional<NerveConfig> loaded = NerveMain.load(
                config, Optional.ofNullable(instanceId), spec.commandLine().getErr());
        if (loaded.isEmpty()) {
            return ExitCodes.BAD_CONFIG;
        }
        ConfigWarnings.of(loaded.get())
                .forEach(warning -> spec.commandLine().getErr().println("warning: " + warning));
        spec.commandLine().getErr().flush();
        spec.commandLine()
                .getOut()
                .println("configuration OK: " + loaded.get().services().size() + " services");
        return ExitCodes.OK;
    }
}
