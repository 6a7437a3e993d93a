package io.smartstack.synapse.haproxy.process;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The master CLI's {@code show proc}: the master's pid, its reload and failed-reload counters, and the
 * current workers (old workers still finishing their connections are not listed here). Pure parser.
 */
public record ProcessList(long masterPid, int reloads, int failedReloads, List<Long> workers, List<Long> oldWorkers) {
    private static final Pattern FAILED = Pattern.compile("\\[failed:\\s*(\\d+)]");

    public ProcessList {
        workers = List.copyOf(workers);
        oldWorkers = List.copyOf(oldWorkers);
    }

    public static ProcessList parse(String answer) {
        long master = -1;
        int reloads = 0;
        int failed = 0;
        List<Long> workers = new ArrayList<>();
        List<Long> oldWorkers = new ArrayList<>();
        List<Long> section = null;
        for (String line : answer.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("#")) {
                section = trimmed.equals("# workers") ? workers : trimmed.equals("# old workers") ? oldWorkers : null;
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length >= 3 && fields[1].equals("master")) {
                master = Long.parseLong(fields[0]);
                reloads = Integer.parseInt(fields[2]);
                Matcher matcher = FAILED.matcher(trimmed);
                failed = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
            } else if (section != null && fields.length >= 2 && fields[1].equals("worker")) {
                section.add(Long.parseLong(fields[0]));
            }
        }
        if (master < 0) {
            throw new IllegalArgumentException("show proc answer names no master: " + answer);
        }
        return new ProcessList(master, reloads, failed, workers, oldWorkers);
    }
}
