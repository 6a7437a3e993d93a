package io.smartstack.synapse.haproxy.bench;

import io.smartstack.testing.ExternalProcess;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The footprint benchmark's measured period: every 5 s the resident memory of the floors and of both
 * daemons, and one request through each of Synapse's frontends; a progress line every minute (every
 * 30 s in runs under 3 minutes).
 */
final class Period {
    private static final long SAMPLE_MILLIS = 5_000;
    final Resident floor;
    final Resident libraries;
    final Resident nerve;
    final Resident synapse;
    private final ExternalProcess nerveProcess;
    private final ExternalProcess synapseProcess;
    private final List<Integer> frontends;
    int requests;
    int failedRequests;

    Period(long floorPid, long librariesPid, ExternalProcess nerve, ExternalProcess synapse, List<Integer> frontends) {
        this.floor = new Resident(floorPid);
        this.libraries = new Resident(librariesPid);
        this.nerve = new Resident(nerve.pid());
        this.synapse = new Resident(synapse.pid());
        this.nerveProcess = nerve;
        this.synapseProcess = synapse;
        this.frontends = frontends;
    }

    void run(Duration length) throws Exception {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long progressMillis = length.compareTo(Duration.ofMinutes(3)) < 0 ? 30_000 : 60_000;
        long nextProgress = start + progressMillis * 1_000_000;
        sample();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.max(1, Math.min(SAMPLE_MILLIS, (end - System.nanoTime()) / 1_000_000)));
            if (!nerveProcess.isAlive() || !synapseProcess.isAlive()) {
                throw new IllegalStateException("a daemon exited during the period:\n" + nerveProcess.describe(20)
                        + "\n" + synapseProcess.describe(20));
            }
            requests += frontends.size();
            failedRequests += Frontends.failures(frontends);
            sample();
            if (System.nanoTime() >= nextProgress) {
                nextProgress += progressMillis * 1_000_000;
                System.out.printf(
                        Locale.ROOT,
                        "   %5.1f min: RSS nerve %s, synapse %s, floor %s, library floor %s;"
                                + " requests through Synapse %d (%d failed)%n",
                        (System.nanoTime() - start) / 60e9,
                        Resident.megabytes(nerve.lastKilobytes()),
                        Resident.megabytes(synapse.lastKilobytes()),
                        Resident.megabytes(floor.lastKilobytes()),
                        Resident.megabytes(libraries.lastKilobytes()),
                        requests,
                        failedRequests);
            }
        }
    }

    private void sample() throws Exception {
        floor.sample();
        libraries.sample();
        nerve.sample();
        synapse.sample();
    }
}
