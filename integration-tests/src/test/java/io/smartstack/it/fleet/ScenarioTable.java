package io.smartstack.it.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The figures of each fleet scenario, printed as one table (and written to target/fleet-scenarios.txt). */
final class ScenarioTable {
    /** One scenario: requests sent from both consumers, failed ones, the failures allowed, times, reloads. */
    record Row(
            String scenario,
            long requests,
            long failed,
            long allowed,
            double convergeSeconds,
            double backSeconds,
            long reloads) {}

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(Row row) {
        rows.add(row);
    }

    synchronized String render() {
        StringBuilder text = new StringBuilder();
        String format = "| %-42s | %8s | %6s | %7s | %11s | %8s | %7s |%n";
        text.append(
                String.format(format, "scenario", "requests", "failed", "allowed", "converge s", "back s", "reloads"));
        text.append(String.format(
                format,
                "-".repeat(42),
                "-".repeat(8),
                "-".repeat(6),
                "-".repeat(7),
                "-".repeat(11),
                "-".repeat(8),
                "-".repeat(7)));
        for (Row row : rows) {
            text.append(String.format(
                    format,
                    row.scenario(),
                    row.requests(),
                    row.failed(),
                    row.allowed(),
                    String.format("%.1f", row.convergeSeconds()),
                    row.backSeconds() < 0 ? "-" : String.format("%.1f", row.backSeconds()),
                    row.reloads()));
        }
        return text.toString();
    }

    void print() {
        String table = render();
        System.out.println(table);
        try {
            Path file = Path.of("target", "fleet-scenarios.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
