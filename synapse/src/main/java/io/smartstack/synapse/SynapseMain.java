package io.smartstack.synapse;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.cli.ExitCodes;
import io.smartstack.common.cli.Logging;
import io.smartstack.common.cli.VersionProvider;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigException;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.config.LoadedConfig;
import io.smartstack.synapse.config.MigrationReport;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.haproxy.RenderedConfigCheck;
import io.smartstack.synapse.haproxy.render.ConfigOrigins;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.GeneratorContext;
import io.smartstack.synapse.reconcile.DesiredStates;
import io.smartstack.synapse.reconcile.Reconciler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synapse}: runs the daemon ({@code --config FILE}), or checks a config ({@code -k} /
 * {@code validate}), or prints the haproxy.cfg for the current registry state ({@code render}). SIGHUP
 * reloads the config; SIGTERM stops Synapse (never HAProxy).
 */
@Command(
        name = "synapse",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {SynapseMain.Validate.class, SynapseMain.Render.class},
        description = "Discovers services in ZooKeeper (or DNS) and keeps a local HAProxy routing to them.")
public final class SynapseMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(SynapseMain.class);

    /** Options every command shares. */
    static final class ConfigOptions {
        @Option(
                names = {"-c", "--config"},
                defaultValue = "${env:SYNAPSE_CONFIG}",
                description = "Config file, YAML or JSON (default: $SYNAPSE_CONFIG).")
        Path config;

        @Option(
                names = "--log-level",
                defaultValue = "INFO",
                description = "TRACE, DEBUG, INFO, WARN or ERROR (default: ${DEFAULT-VALUE}).")
        String logLevel;

        Path requireConfig(CommandLine.Model.CommandSpec spec) {
            if (config == null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "a config file is required: --config FILE (or SYNAPSE_CONFIG)");
            }
            Logging.configure(logLevel);
            return config;
        }
    }

    @CommandLine.Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(
            names = {"-k", "--check-config"},
            description = "Check the config and exit: 0 when valid, 2 listing every problem.")
    boolean checkOnly;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SynapseMain());
        commandLine.setExitCodeExceptionMapper(
                e -> e instanceof ConfigException || e instanceof CommandLine.ParameterException
                        ? ExitCodes.BAD_CONFIG
                        : ExitCodes.FAILURE);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandLine.ParameterException usage) {
                cmd.getErr().println(usage.getMessage());
                cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
                return ExitCodes.BAD_CONFIG;
            }
            if (e instanceof ConfigException config) {
                cmd.getErr().println(config.getMessage());
                return ExitCodes.BAD_CONFIG;
            }
            cmd.getErr().println("synapse failed: " + e);
            log.error("synapse failed", e);
            return ExitCodes.FAILURE;
        });
        // Invalid options exit with picocli's usage code, 2 = ExitCodes.BAD_CONFIG.
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        Path config = options.requireConfig(spec);
        if (checkOnly) {
            return check(config, spec.commandLine().getOut());
        }
        return run(config);
    }

    static int check(Path config, PrintWriter out) {
        return check(config, out, out);
    }

    /**
     * Loads the config (warnings to {@code err}), has HAProxy check the config the haproxy generator renders
     * from the default servers, and ends with the file's migration report. Exit 2 when either refuses it.
     */
    static int check(Path config, PrintWriter out, PrintWriter err) {
        LoadedConfig loaded =
                SynapseConfigLoader.installed().load(config, new GeneratorContext(new SimpleMeterRegistry()));
        int exit = ExitCodes.OK;
        try {
            loaded.warnings().forEach(warning -> err.println("warning: " + warning));
            err.flush();
            JsonNode root =
                    ConfigDocument.load(config).root(new ConfigProblems()).raw();
            Optional<ConfigGenerator> haproxy = loaded.generators().stream()
                    .filter(generator -> generator.name().equals("haproxy"))
                    .findFirst();
            if (haproxy.isPresent() && !haproxyCheckPasses(haproxy.get(), loaded, root, out)) {
                exit = ExitCodes.BAD_CONFIG;
            }
            List<String> report = MigrationReport.of(root);
            if (!report.isEmpty()) {
                out.println(
                        "Migration report: keys in " + config + " that behave differently from the original Synapse:");
                report.forEach(line -> out.println("  " + line));
            }
        } finally {
            loaded.closeGenerators();
        }
        out.println(config + (exit == ExitCodes.OK ? ": config OK" : ": config refused by HAProxy"));
        out.flush();
        return exit;
    }

    private static boolean haproxyCheckPasses(
            ConfigGenerator haproxy, LoadedConfig loaded, JsonNode root, PrintWriter out) {
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        loaded.config().services().forEach(service -> {
            JsonNode section = service.generatorConfig().get("haproxy");
            if (section != null) {
                sections.put(service.name(), section);
            }
        });
        RenderedConfigCheck.Outcome outcome;
        try {
            outcome = RenderedConfigCheck.run(
                    haproxy,
                    DesiredStates.fromDefaultServers(loaded.config()),
                    new ConfigOrigins(root.path("haproxy"), sections));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the HAProxy check", e);
        }
        outcome.notRun().ifPresent(reason -> out.println("note: " + reason));
        outcome.messages().forEach(message -> out.println("haproxy -c: " + message));
        if (outcome.notRun().isEmpty()) {
            out.println(
                    outcome.refused()
                            ? "haproxy -c refused the rendered config (exit " + outcome.exitCode() + ")"
                            : "haproxy -c: the rendered config is valid");
        }
        return !outcome.refused();
    }

    private static int run(Path config) throws Exception {
        Synapse synapse =
                new Synapse(config, SynapseConfigLoader.installed(), Reconciler.Settings.defaults(), Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        ExecutorService reloads = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "synapse-reload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            synapse.start();
        } catch (Exception e) {
            synapse.close();
            throw e;
        }
        Signals.onHangup(() -> reloads.execute(() -> {
            log.info("SIGHUP: reloading {}", config);
            synapse.reload();
        }));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("stopping Synapse");
                            synapse.close();
                            stopped.countDown();
                        },
                        "synapse-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = "Checks a config, has haproxy -c check what it renders, and reports the keys that behave"
                    + " differently from the original Synapse: exit 0, or 2 listing every problem.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions options = new ConfigOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return check(
                    options.requireConfig(spec),
                    spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
    }

    @Command(
            name = "render",
            mixinStandardHelpOptions = true,
            description =
                    "Connects to the registry, takes one snapshot and prints the haproxy.cfg Synapse would write.")
    static final class Render implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions options = new ConfigOptions();

        @Option(
                names = "--wait",
                defaultValue = "10s",
                description = "Longest wait for the registry (default: ${DEFAULT-VALUE}); then what is known is used.")
        String wait;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path config = options.requireConfig(spec);
            Duration timeout = io.smartstack.common.config.Durations.parse(wait);
            String text = Snapshot.render(config, timeout);
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
