package io.smartstack.nerve;

import io.smartstack.common.cli.ExitCodes;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nerve maint on|off SERVICE|--all [--reason TEXT]} over the admin API. */
@Command(
        name = "maint",
        mixinStandardHelpOptions = true,
        description = "Puts a service (or all) into maintenance (deregistered, still checked) or takes it out.")
final class MaintenanceCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "on or off")
    String action;

    @Parameters(index = "1", arity = "0..1", description = "Service name (or --all).")
    String service;

    @Option(names = "--all", description = "Every service.")
    boolean all;

    @Option(names = "--reason", defaultValue = "maintenance", description = "Why (shown in the status).")
    String reason;

    @Option(
            names = "--admin",
            defaultValue = "http://127.0.0.1:3210",
            description = "Admin API (default: ${DEFAULT-VALUE}).")
    String admin;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!action.equals("on") && !action.equals("off")) {
            spec.commandLine().getErr().println("the action must be on or off, got '" + action + "'");
            return ExitCodes.BAD_CONFIG;
        }
        if (all == (service != null)) {
            spec.commandLine().getErr().println("name one service, or give --all");
            return ExitCodes.BAD_CONFIG;
        }
        String path = all ? "/maintenance" : "/services/" + service + "/maintenance";
        String method = action.equals("on") ? "POST" : "DELETE";
        try {
            AdminClient.Answer answer = new AdminClient(admin)
                    .send(method, path, action.equals("on") ? AdminClient.json(Map.of("reason", reason)) : null);
            if (answer.status() >= 300) {
                spec.commandLine().getErr().println("admin API answered " + answer.status() + ": " + answer.body());
                return ExitCodes.FAILURE;
            }
            spec.commandLine().getOut().println("maintenance " + action + " for " + (all ? "all services" : service));
            return ExitCodes.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot reach the admin API at " + admin + ": " + e);
            return ExitCodes.FAILURE;
        }
    }
}
