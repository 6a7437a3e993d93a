package io.smartstack.synapse.haproxy.bench;

import java.util.Locale;

/** The footprint benchmark's summary: each daemon against the two floors and against the goals. */
record Report(
        FootprintBench.Floor floorProcess,
        FootprintBench.Floor librariesProcess,
        Period period,
        FootprintBench.Serving nerveServing,
        FootprintBench.Serving synapseServing,
        double minutes) {

    void print() {
        Resident floor = period.floor;
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "after %.1f min (RSS sampled every 5 s; requests through Synapse %d, %d failed):%n",
                minutes,
                period.requests,
                period.failedRequests);
        floor("floor", floorProcess, floor, "");
        floor(
                "library floor",
                librariesProcess,
                period.libraries,
                " (+" + Resident.megabytes(period.libraries.lastKilobytes() - floor.lastKilobytes())
                        + " over the floor)");
        daemon("nerve", nerveServing.firstNanos(), period.nerve, floor);
        daemon("synapse", synapseServing.completeNanos(), period.synapse, floor);
        System.out.println(
                "   (library floor = the daemons' libraries doing the least a sidecar does: a YAML config,"
                        + " logging, a ZooKeeper session with one ephemeral node, a metrics registry, an HTTP GET every 0.5 s)");
        System.out.println("   (nerve serving = first registration in ZooKeeper; synapse serving = every backend"
                + " ready in HAProxy and every frontend answering)");
        System.out.printf(
                Locale.ROOT,
                "goal (each daemon <= 64 MB RSS at the end, <= 1 s from start to serving): nerve %s, synapse %s%n",
                verdict(nerveServing.firstNanos(), period.nerve),
                verdict(synapseServing.completeNanos(), period.synapse));
    }

    private static void floor(String name, FootprintBench.Floor process, Resident resident, String comparison) {
        System.out.printf(
                Locale.ROOT,
                "   %-13s start -> ready %.3f s; RSS at end %s%s, max %s%n",
                name,
                process.startNanos() / 1e9,
                Resident.megabytes(resident.lastKilobytes()),
                comparison,
                Resident.megabytes(resident.maxKilobytes()));
    }

    private void daemon(String name, long serving, Resident resident, Resident floor) {
        System.out.printf(
                Locale.ROOT,
                "   %-13s start -> serving %.3f s (%.1fx floor, +%.3f s); RSS at end %s (%.2fx floor, +%s;"
                        + " %s over the library floor), max %s%n",
                name,
                serving / 1e9,
                (double) serving / floorProcess.startNanos(),
                (serving - floorProcess.startNanos()) / 1e9,
                Resident.megabytes(resident.lastKilobytes()),
                (double) resident.lastKilobytes() / floor.lastKilobytes(),
                Resident.megabytes(resident.lastKilobytes() - floor.lastKilobytes()),
                signed(resident.lastKilobytes() - period.libraries.lastKilobytes()),
                Resident.megabytes(resident.maxKilobytes()));
    }

    private static String signed(long kilobytes) {
        return (kilobytes < 0 ? "-" : "+") + Resident.megabytes(Math.abs(kilobytes));
    }

    private static String verdict(long serving, Resident resident) {
        boolean memory = resident.lastKilobytes() <= FootprintBench.GOAL_RSS_KB;
        boolean start = serving <= FootprintBench.GOAL_START_NANOS;
        return "RSS " + (memory ? "met" : "NOT met") + ", start " + (start ? "met" : "NOT met");
    }
}
