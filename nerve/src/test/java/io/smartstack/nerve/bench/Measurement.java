package io.smartstack.nerve.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What one benchmark phase measured for the process sending the checks (Nerve or the floor): its CPU
 * (user and system, from /proc/PID/stat) and largest RSS, thread and socket count, the CPU the HTTP server spent answering, the
 * checks/s the server received, and per service the number of checks and the longest time between two
 * of them. "On time": every service was checked in the window and no gap exceeded 1.5 intervals.
 */
record Measurement(
        Plan plan,
        double seconds,
        long userTicks,
        long systemTicks,
        long serverCpuNanos,
        long requests,
        long[] perTarget,
        long[] maxGapNanos,
        long maxRssKilobytes,
        long maxThreads,
        long maxSockets) {

    /** What to measure: services, their check interval, and how long to warm up and to measure. */
    record Plan(int services, double intervalSeconds, int warmupSeconds, int measureSeconds) {}

    /** Waits out the warm-up, then measures process {@code pid} and {@code endpoint} for the window. */
    static Measurement take(Plan plan, long pid, BenchEndpoint endpoint) throws Exception {
        Thread.sleep(TimeUnit.SECONDS.toMillis(plan.warmupSeconds()));
        long[] ticksBefore = cpuTicks(pid);
        long serverBefore = BenchEndpoint.serverCpuNanos();
        endpoint.resetWindow();
        long start = System.nanoTime();
        long maxRss = 0;
        long maxThreads = 0;
        long maxSockets = 0;
        for (int i = 0; i < plan.measureSeconds(); i++) {
            Thread.sleep(1000);
            maxRss = Math.max(maxRss, status(pid, "VmRSS:"));
            maxThreads = Math.max(maxThreads, status(pid, "Threads:"));
            maxSockets = Math.max(maxSockets, sockets(pid));
        }
        long requests = endpoint.requests();
        long[] perTarget = endpoint.requestsPerTarget();
        long[] maxGaps = endpoint.maxGapNanos();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] ticksAfter = cpuTicks(pid);
        return new Measurement(
                plan,
                seconds,
                ticksAfter[0] - ticksBefore[0],
                ticksAfter[1] - ticksBefore[1],
                BenchEndpoint.serverCpuNanos() - serverBefore,
                requests,
                perTarget,
                maxGaps,
                maxRss,
                maxThreads,
                maxSockets);
    }

    double cpuPercent() {
        return percent(userTicks + systemTicks);
    }

    private double percent(long ticks) {
        return 100.0 * ticks / CLOCK_TICKS_PER_SECOND / seconds;
    }

    double serverCpuPercent() {
        return 100.0 * serverCpuNanos / 1e9 / seconds;
    }

    double checksPerSecond() {
        return requests / seconds;
    }

    boolean onTime() {
        return Arrays.stream(perTarget).allMatch(count -> count > 0)
                && Arrays.stream(maxGapNanos).allMatch(gap -> gap <= 1.5 * plan.intervalSeconds() * 1e9);
    }

    /** One line: CPU, RSS, rate, and the gaps between checks of one service (lateness). */
    String line(String name) {
        long[] gaps = maxGapNanos.clone();
        Arrays.sort(gaps);
        long late = Arrays.stream(maxGapNanos)
                .filter(gap -> gap > 1.5 * plan.intervalSeconds() * 1e9)
                .count();
        return String.format(
                "%s: after %d s warm-up, over %.0f s: CPU %.1f%% of one core (user %.1f%%, system %.1f%%),"
                        + " RSS %d MB, %d threads, %d sockets (max sampled); %.0f checks/s (expected %.0f); checks per service %d-%d;"
                        + " longest gap between two checks of one service: median %.0f ms, p99 %.0f ms, max %.0f ms"
                        + " (interval %.0f ms), %d services with a gap over 1.5 intervals; HTTP server CPU %.1f%%",
                name,
                plan.warmupSeconds(),
                seconds,
                cpuPercent(),
                percent(userTicks),
                percent(systemTicks),
                maxRssKilobytes / 1024,
                maxThreads,
                maxSockets,
                checksPerSecond(),
                plan.services() / plan.intervalSeconds(),
                Arrays.stream(perTarget).min().orElse(0),
                Arrays.stream(perTarget).max().orElse(0),
                gaps[gaps.length / 2] / 1e6,
                gaps[(int) Math.min(gaps.length - 1, Math.ceil(gaps.length * 0.99) - 1)] / 1e6,
                gaps[gaps.length - 1] / 1e6,
                plan.intervalSeconds() * 1000,
                late,
                serverCpuPercent());
    }

    private static final long CLOCK_TICKS_PER_SECOND = clockTicksPerSecond();

    private static long[] cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[11] = utime, fields[12] = stime (stat fields 14 and 15)
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }

    private static long sockets(long pid) throws Exception {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                        } catch (Exception gone) {
                            return false;
                        }
                    })
                    .count();
        }
    }

    /** A number from /proc/PID/status: VmRSS (kB), Threads. */
    private static long status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String text = new String(getconf.getInputStream().readAllBytes()).trim();
            getconf.waitFor();
            return text.isEmpty() ? 100 : Long.parseLong(text);
        } catch (Exception e) {
            return 100;
        }
    }
}
