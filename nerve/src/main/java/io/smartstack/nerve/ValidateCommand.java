package io.smartstack.nerve;

import io.smartstack.common.cli.ExitCodes;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.nerve.config.ConfigWarnings;
import io.smartstack.nerve.config.MigrationReport;
import io.smartstack.nerve.config.NerveConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nerve validate --config FILE}: exit 0 (printing any {@link ConfigWarnings} to stderr first, then the
 * {@link MigrationReport} of the file), or 2 printing every problem.
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
        PrintWriter out = spec.commandLine().getOut();
        List<String> report = MigrationReport.of(
                ConfigDocument.load(config).root(new ConfigProblems()).raw());
        if (!report.isEmpty()) {
            out.println("Migration report: keys in " + config + " that behave differently from the original Nerve:");
            report.forEach(line -> out.println("  " + line));
        }
        out.println("configuration OK: " + loaded.get().services().size() + " services");
        return ExitCodes.OK;
    }
}
