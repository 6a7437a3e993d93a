package io.smartstack.nerve;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nerve status}: one line per service from the admin API ({@code --json} for the raw document). */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows every service's state.")
final class StatusCommand implements Callable<Integer> {
    @Option(
            names = "--admin",
            defaultValue = "http://127.0.0.1:3210",
            description = "Admin API (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--json", description = "Print the JSON document.")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try {
            AdminClient.Answer answer = new AdminClient(admin).send("GET", "/status", null);
            if (answer.status() != 200) {
                spec.commandLine().getErr().println("admin API answered " + answer.status() + ": " + answer.body());
                return ExitCodes.FAILURE;
            }
            if (json) {
                out.println(answer.body().toPrettyString());
                return ExitCodes.OK;
            }
            out.printf("instance %s%n", answer.body().path("instance_id").asText());
            out.printf("%-24s %-5s %-11s %s%n", "SERVICE", "STATE", "MAINTENANCE", "ZNODE / REASON");
            for (JsonNode service : answer.body().path("services")) {
                out.printf(
                        "%-24s %-5s %-11s %s%n",
                        service.path("name").asText(),
                        service.path("up").asBoolean() ? "up" : "down",
                        service.path("maintenance").isObject() ? "yes" : "no",
                        detail(service));
            }
            return ExitCodes.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot reach the admin API at " + admin + ": " + e);
            return ExitCodes.FAILURE;
        }
    }

    private static String detail(JsonNode service) {
        if (service.path("registered").asBoolean()) {
            return service.path("znode").asText();
        }
        StringBuilder reasons = new StringBuilder();
        for (JsonNode check : service.path("checks")) {
            if (!check.path("up").asBoolean(false)) {
                reasons.append(check.path("name").asText())
                        .append(": ")
                        .append(check.path("last_reason").asText());
            }
        }
        if (service.path("app_unhealthy").isObject()) {
            reasons.append(" app: ")
                    .append(service.path("app_unhealthy").path("reason").asText());
        }
        return reasons.length() == 0 ? "not registered" : reasons.toString();
    }
}
