package io.smartstack.synapse.haproxy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory as the kernel reports it ({@code VmRSS} of {@code /proc/PID/status}), sampled. */
final class Resident {
    private final long pid;
    private long maxKilobytes;
    private long lastKilobytes;

    Resident(long pid) {
        this.pid = pid;
    }

    /** Reads VmRSS now; returns it in kilobytes and keeps the maximum. */
    long sample() throws IOException {
        lastKilobytes = read(pid);
        maxKilobytes = Math.max(maxKilobytes, lastKilobytes);
        return lastKilobytes;
    }

    long lastKilobytes() {
        return lastKilobytes;
    }

    long maxKilobytes() {
        return maxKilobytes;
    }

    static long read(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    static String megabytes(long kilobytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", kilobytes / 1024.0);
    }
}
