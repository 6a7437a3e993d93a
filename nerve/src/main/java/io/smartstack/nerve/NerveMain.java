package io.smartstack.nerve;

import io.smartstack.common.cli.ExitCodes;
import io.smartstack.common.cli.Logging;
import io.smartstack.common.cli.VersionProvider;
import io.smartstack.common.config.ConfigException;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.nerve.check.HealthChecks;
import io.smartstack.nerve.check.HttpClients;
import io.smartstack.nerve.config.NerveConfig;
import io.smartstack.nerve.config.NerveConfigReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
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
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code bin/nerve}: runs Nerve ({@code --config FILE}), or one of the subcommands {@code validate},
 * {@code maint} and {@code status}. Exit codes: 0 clean (also after SIGTERM/SIGINT, once every
 * registration is deleted), 2 bad configuration or usage, 1 runtime failure. SIGHUP reloads.
 */
@Command(
        name = "nerve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Health-checks local services and registers the healthy ones in ZooKeeper.",
        subcommands = {ValidateCommand.class, MaintenanceCommand.class, StatusCommand.class})
public final class NerveMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(NerveMain.class);

    @Option(
            names = {"-c", "--config"},
            defaultValue = "${env:NERVE_CONFIG}",
            description = "Config file (YAML or JSON; default: $NERVE_CONFIG).")
    Path config;

    @Option(
            names = {"-i", "--instance_id", "--instance-id"},
            defaultValue = "${env:NERVE_INSTANCE_ID}",
            description = "Instance id; overrides the file's instance_id and survives reloads.")
    String instanceId;

    @Option(names = "--log-level", defaultValue = "INFO", description = "Log level (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(
            names = {"-k", "--check-config"},
            description = "Build every service and check, start nothing, and exit (0 when the config is valid).")
    boolean checkConfig;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NerveMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try {
            Logging.configure(logLevel);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        if (config == null) {
            spec.commandLine().getErr().println("a config file is required: --config FILE (or NERVE_CONFIG)");
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitCodes.BAD_CONFIG;
        }
        Optional<NerveConfig> loaded =
                load(config, Optional.ofNullable(instanceId), spec.commandLine().getErr());
        if (loaded.isEmpty()) {
            return ExitCodes.BAD_CONFIG;
        }
        if (checkConfig) {
            try (HttpClients clients = new HttpClients()) {
                HealthChecks checks = new HealthChecks(clients);
                loaded.get().services().values().forEach(s -> s.checks()
                        .forEach(c -> checks.create(c).close()));
            }
            spec.commandLine()
                    .getOut()
                    .println("configuration OK: " + loaded.get().services().size() + " services");
            return ExitCodes.OK;
        }
        return run(loaded.get());
    }

    private int run(NerveConfig nerveConfig) throws InterruptedException {
        Nerve nerve = new Nerve(nerveConfig, Optional.of(config), Optional.ofNullable(instanceId), Clock.systemUTC());
        CountDownLatch stop = new CountDownLatch(1);
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "nerve-reload");
            thread.setDaemon(true);
            return thread;
        });
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Signal.handle(
                new Signal("HUP"),
                signal -> reloads.submit(() -> {
                    log.info("SIGHUP: reloading {}", config);
                    nerve.reload();
                }));
        Runtime.getRuntime().addShutdownHook(new Thread(nerve::close, "nerve-shutdown"));
        try {
            nerve.start();
        } catch (IOException | RuntimeException e) {
            log.error("nerve failed to start: {}", e.toString());
            nerve.close();
            return ExitCodes.FAILURE;
        }
        stop.await();
        log.info("stopping: deregistering every service");
        reloads.shutdownNow();
        nerve.close();
        return ExitCodes.OK;
    }

    /** Loads a config, printing every problem to {@code err} when it is invalid. */
    static Optional<NerveConfig> load(Path file, Optional<String> instanceIdOverride, PrintWriter err) {
        try {
            return Optional.of(NerveConfigReader.load(file, instanceIdOverride));
        } catch (ConfigException e) {
            err.println(e.problems().size() + " configuration problem"
                    + (e.problems().size() == 1 ? "" : "s") + " in " + file + ":");
            for (ConfigProblem problem : e.problems()) {
                err.println("  - " + problem);
            }
            err.flush();
            return Optional.empty();
        }
    }
}
