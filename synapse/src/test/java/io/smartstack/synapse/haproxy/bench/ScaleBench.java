package io.smartstack.synapse.haproxy.bench;

import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeParsers;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.UnixSocketRuntimeApi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The scale benchmark (bin/synapse-bench, the default suite): in one run, the ZooKeeper floor (a write
 * -> another plain client's child watch fires), the real Synapse daemon (its own JVM, the launcher's
 * JVM options) with one service, then the same daemon with N services x M backends: its cold start
 * (process start -> every server in HAProxy, reloads, log lines) and one add or removal at that scale.
 * Writes come from a plain ZooKeeper client as raw bytes, as Nerve writes them. Prints the ratios.
 *
 * <p>Options: {@code --events N} (add/remove pairs per scale, default 100), {@code --services N} (1000),
 * {@code --backends N} (20), {@code --warmup N} (500 pairs, not recorded: with the launcher's quick compiler, a change
 * costs its steady figure only after a few hundred; the first 50 are printed apart), {@code --path-encoding 1}
 * (znode names as Nerve's {@code use_path_encoding} writes them: Synapse then reads no znode),
 * {@code --cold-starts N} (3: the cold start is the median of N starts, each a new Synapse and HAProxy).
 */
public final class ScaleBench {
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(30);
    private final TestingServer zookeeper;
    private final ZooKeeper writer;
    private final ZooKeeper observer;
    private final Map<String, Integer> options;

    private ScaleBench(TestingServer zookeeper, Map<String, Integer> options) throws Exception {
        this.zookeeper = zookeeper;
        this.options = options;
        this.writer = connect(zookeeper.getConnectString());
        this.observer = connect(zookeeper.getConnectString());
    }

    /** The first changes after a start, recorded apart (the daemon's code is not compiled yet). */
    private static final int EARLY = 50;

    /**
     * add and removal latencies of Synapse and of the floor, measured on the same events after the
     * warm-up; and Synapse's for the first {@value #EARLY} changes of the warm-up.
     */
    record Measured(
            Latencies add,
            Latencies addFloor,
            Latencies remove,
            Latencies removeFloor,
            Latencies earlyAdd,
            Latencies earlyRemove) {
        Measured() {
            this(new Latencies(), new Latencies(), new Latencies(), new Latencies(), new Latencies(), new Latencies());
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options =
                new HashMap<>(Map.of("events", 100, "services", 1000, "backends", 20, "warmup", 500));
        options.putAll(Map.of("path-encoding", 0, "cold-starts", 3, "poll-us", 100));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), Integer.parseInt(args[i + 1]));
        }
        System.out.println("synapse-bench scale: " + Runtime.getRuntime().availableProcessors()
                + " CPUs, znode names " + (options.get("path-encoding") != 0 ? "path-encoded" : "plain")
                + ", ZooKeeper in the benchmark's JVM (curator-test), Synapse in its own JVM from "
                + Optional.ofNullable(System.getenv("SYNAPSE_BENCH_JAR"))
                        .filter(jar -> !jar.isEmpty())
                        .orElse("the build's classes")
                + " with "
                + System.getenv().getOrDefault("SYNAPSE_JAVA_OPTS", "(no JVM options)"));
        try (TestingServer zookeeper = new TestingServer(true)) {
            ScaleBench bench = new ScaleBench(zookeeper, options);
            try {
                bench.run();
            } finally {
                bench.writer.close();
                bench.observer.close();
            }
        }
    }

    private void run() throws Exception {
        int services = options.get("services");
        int backends = options.get("backends");
        Measured small;
        populate(List.of("solo"), 1); // a removal never empties the service (that would keep the previous backends)
        try (SynapseProcess synapse = new SynapseProcess(
                zookeeper.getConnectString(), List.of("solo"), System.getProperty("bench.small.opts", ""))) {
            awaitAllServers(synapse, 1); // the changes start once it serves, as at the larger scale
            small = changes(synapse, "solo");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            names.add(String.format(Locale.ROOT, "s%04d", i));
        }
        populate(names, backends);
        long readFloor = readEverything(names, services * backends);
        String target = names.get(names.size() / 2);
        Measured large;
        long coldStart;
        int reloads;
        long logLines;
        long perBackendLines;
        try (SynapseProcess synapse =
                new SynapseProcess(zookeeper.getConnectString(), names, System.getProperty("bench.large.opts", ""))) {
            coldStart = awaitAllServers(synapse, services * backends);
            Thread.sleep(3000); // a deferred reload would show within this
            reloads = synapse.haproxy.masterReloads();
            List<String> lines = synapse.logLines(); // the cold start's, before the changes log theirs
            logLines = lines.size();
            perBackendLines =
                    lines.stream().filter(line -> line.contains("_127.0.0.1:")).count();
            List<String> problems = lines.stream()
                    .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .toList();
            if (!problems.isEmpty()) {
                System.out.println(
                        "   (warnings of the large Synapse's cold start, first 5 of " + problems.size() + ":)");
                problems.subList(0, Math.min(5, problems.size())).forEach(line -> System.out.println("     " + line));
            }
            large = changes(synapse, target);
            lines = synapse.logLines();
            System.out.println("   (last log lines of the large Synapse:)");
            lines.subList(Math.max(0, lines.size() - 5), lines.size())
                    .forEach(line -> System.out.println("     " + line));
        }
        List<Long> coldStarts = new ArrayList<>(List.of(coldStart));
        for (int i = 1; i < options.get("cold-starts"); i++) {
            try (SynapseProcess again = new SynapseProcess(
                    zookeeper.getConnectString(), names, System.getProperty("bench.large.opts", ""))) {
                coldStarts.add(awaitAllServers(again, services * backends));
                Thread.sleep(3000);
                reloads = Math.max(reloads, again.haproxy.masterReloads());
            }
        }
        List<Long> sorted = coldStarts.stream().sorted().toList();
        coldStart = sorted.get(sorted.size() / 2);
        print(small, large, services, backends, target);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "cold start, %d services x %d backends: every server ready in HAProxy %.2f s after process start"
                        + " (median of %d: %s s); HAProxy reloads after start %d (most of any start);"
                        + " Synapse log lines by then %d (%d naming a backend)%n",
                services,
                backends,
                coldStart / 1e9,
                coldStarts.size(),
                String.join(
                        ", ",
                        coldStarts.stream()
                                .map(nanos -> String.format(Locale.ROOT, "%.2f", nanos / 1e9))
                                .toList()),
                reloads,
                logLines,
                perBackendLines);
        System.out.printf(
                Locale.ROOT,
                "   floor: a plain ZooKeeper client (connect, list each path, read every registration, pipelined)"
                        + " %.2f s%n",
                readFloor / 1e9);
        System.out.printf(
                Locale.ROOT,
                "   goal: < 3 s, at most one reload, a summary line instead of one per backend: %s%n",
                coldStart < TimeUnit.SECONDS.toNanos(3) && reloads <= 1 && perBackendLines < backends
                        ? "met"
                        : "NOT met");
    }

    private static void print(Measured small, Measured large, int services, int backends, String target) {
        System.out.println();
        System.out.println("propagation: znode written by a plain ZooKeeper client -> HAProxy's `show servers state`");
        System.out.println("   floor = the same write -> another plain client's child watch fires (same event)");
        line("1 service: add (ready)", small.add);
        line("  floor", small.addFloor);
        line("1 service: removal (out of rotation)", small.remove);
        line("  floor", small.removeFloor);
        line(services + " x " + backends + ": add to " + target, large.add);
        line("  floor", large.addFloor);
        line(services + " x " + backends + ": removal", large.remove);
        line("  floor", large.removeFloor);
        System.out.println();
        System.out.println("goal 2 (1 service vs floor: p50 within 1 ms, p99 within 1.5x):");
        vsFloor("add", small.add, small.addFloor);
        vsFloor("removal", small.remove, small.removeFloor);
        System.out.println("goal 1 (" + services + " x " + backends + " vs 1 service: p50 within 2x, p99 within 3x):");
        vsSmall("add", large.add, small.add);
        vsSmall("removal", large.remove, small.remove);
        if (small.earlyAdd.count() > 0) {
            System.out.println();
            System.out.println("the first changes after a start (1 service, the first " + small.earlyAdd.count()
                    + " of the warm-up; the daemon's code still interpreted or just compiling):");
            line("add", small.earlyAdd);
            line("removal", small.earlyRemove);
        }
    }

    private static void line(String label, Latencies latencies) {
        System.out.printf(Locale.ROOT, "   %-40s %s%n", label, latencies.summary());
    }

    private static void vsFloor(String kind, Latencies measured, Latencies floor) {
        double p50 = measured.percentileMillis(50) - floor.percentileMillis(50);
        double p99 = measured.percentileMillis(99) / floor.percentileMillis(99);
        System.out.printf(
                Locale.ROOT,
                "   %-8s p50 floor + %.2f ms, p99 %.2fx floor: %s%n",
                kind,
                p50,
                p99,
                p50 <= 1.0 && p99 <= 1.5 ? "met" : "NOT met");
    }

    private static void vsSmall(String kind, Latencies large, Latencies small) {
        double p50 = large.percentileMillis(50) / small.percentileMillis(50);
        double p99 = large.percentileMillis(99) / small.percentileMillis(99);
        System.out.printf(
                Locale.ROOT,
                "   %-8s p50 %.2fx, p99 %.2fx the 1-service figure: %s%n",
                kind,
                p50,
                p99,
                p50 <= 2.0 && p99 <= 3.0 ? "met" : "NOT met");
    }

    /** Warm-up pairs, then recorded add/remove pairs on {@code service}, each awaited in HAProxy. */
    private Measured changes(SynapseProcess synapse, String service) throws Exception {
        Path socket = synapse.haproxy.directory.resolve("haproxy.sock");
        ensurePath(service);
        Measured measured = new Measured();
        try (Probe probe = new Probe(socket)) {
            int warmup = options.get("warmup");
            for (int i = 0; i < warmup + options.get("events"); i++) {
                boolean record = i >= warmup;
                int port = 40_000 + i % 20_000;
                String name = "e" + i;
                String server = name + "_127.0.0.1:" + port;
                Registration registration = Registration.of("127.0.0.1", port, name);
                CompletableFuture<Long> created = childWatch(service);
                long start = System.nanoTime();
                String path = writer.create(
                        BenchDiscovery.path(service) + "/" + childName(registration),
                        RegistrationCodec.encode(registration),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.EPHEMERAL_SEQUENTIAL);
                long ready = awaitServer(synapse, probe, service, server, Probe::ready, pollNanos());
                long floor = created.get(30, TimeUnit.SECONDS);
                if (record) {
                    measured.add.add(ready - start);
                    measured.addFloor.add(floor - start);
                } else if (i < EARLY) {
                    measured.earlyAdd.add(ready - start);
                }
                CompletableFuture<Long> deleted = childWatch(service);
                start = System.nanoTime();
                writer.delete(path, -1);
                long gone = awaitServer(synapse, probe, service, server, state -> !Probe.ready(state), pollNanos());
                floor = deleted.get(30, TimeUnit.SECONDS);
                if (record) {
                    measured.remove.add(gone - start);
                    measured.removeFloor.add(floor - start);
                } else if (i < EARLY) {
                    measured.earlyRemove.add(gone - start);
                }
            }
        }
        return measured;
    }

    private static long awaitServer(
            SynapseProcess synapse,
            Probe probe,
            String service,
            String server,
            java.util.function.Predicate<java.util.Optional<RuntimeServer>> condition,
            long pollNanos)
            throws IOException {
        long deadline = System.nanoTime() + TIMEOUT;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.test(probe.server(service, server))) {
                    return System.nanoTime();
                }
            } catch (IOException notYet) {
                // HAProxy is not up yet, or reloading
                if (!synapse.alive()) {
                    throw new IllegalStateException("Synapse exited: " + String.join("\n", synapse.logLines()));
                }
                LockSupport.parkNanos(10_000_000);
            }
            LockSupport.parkNanos(pollNanos);
        }
        List<String> log = synapse.logLines();
        throw new IllegalStateException(
                service + "/" + server + " did not reach the state within 30 s; Synapse's log:\n"
                        + String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())));
    }

    /** The pause between two looks at HAProxy's state while a change is awaited (--poll-us). */
    private long pollNanos() {
        return TimeUnit.MICROSECONDS.toNanos(options.get("poll-us"));
    }

    /** A one-shot child watch on the service path, set before the write; completes with System.nanoTime(). */
    private CompletableFuture<Long> childWatch(String service) throws Exception {
        CompletableFuture<Long> fired = new CompletableFuture<>();
        observer.getChildren(BenchDiscovery.path(service), event -> {
            if (event.getType() == Watcher.Event.EventType.NodeChildrenChanged) {
                fired.complete(System.nanoTime());
            }
        });
        return fired;
    }

    /** Process start -> every one of {@code expected} servers READY in HAProxy; polls every 20 ms. */
    private static long awaitAllServers(SynapseProcess synapse, int expected) throws Exception {
        Path socket = synapse.haproxy.directory.resolve("haproxy.sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (UnixSocketRuntimeApi api = new UnixSocketRuntimeApi(socket)) {
                long ready = RuntimeParsers.serversState(api.execute("show servers state")).stream()
                        .filter(server -> server.adminState() == AdminState.READY)
                        .count();
                if (ready >= expected) {
                    return System.nanoTime() - synapse.startedNanos;
                }
            } catch (IOException | RuntimeException notYet) {
                if (!synapse.alive()) {
                    throw new IllegalStateException("Synapse exited: " + String.join("\n", synapse.logLines()));
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("not every server reached HAProxy within 120 s");
    }

    /**
     * The cold start's floor: a new plain client connects, lists every service path and reads every
     * registration, all asynchronously (bounded in flight); returns the nanoseconds that took.
     */
    private long readEverything(List<String> services, int expected) throws Exception {
        long start = System.nanoTime();
        ZooKeeper reader = connect(zookeeper.getConnectString());
        try {
            Semaphore inFlight = new Semaphore(1000);
            CountDownLatch done = new CountDownLatch(expected);
            AtomicInteger failures = new AtomicInteger();
            for (String service : services) {
                String parent = BenchDiscovery.path(service);
                inFlight.acquire();
                reader.getChildren(
                        parent,
                        false,
                        (rc, path, context, children) -> {
                            inFlight.release();
                            if (rc != 0) {
                                failures.incrementAndGet();
                                return;
                            }
                            for (String child : children) {
                                reader.getData(
                                        parent + "/" + child,
                                        false,
                                        (rc2, p2, c2, data, stat) -> {
                                            if (rc2 != 0) {
                                                failures.incrementAndGet();
                                            }
                                            done.countDown();
                                        },
                                        null);
                            }
                        },
                        null);
            }
            if (!done.await(120, TimeUnit.SECONDS) || failures.get() > 0) {
                throw new IllegalStateException("reading ZooKeeper failed: " + failures.get());
            }
            return System.nanoTime() - start;
        } finally {
            reader.close();
        }
    }

    /**
     * {@code backends} registrations under each service, written asynchronously (bounded in flight).
     * Persistent: the writer's session ending with 20,000 ephemeral path-encoded names would be one
     * transaction over ZooKeeper's 1 MB limit when the server reads its log back at shutdown.
     */
    private void populate(List<String> services, int backends) throws Exception {
        Semaphore inFlight = new Semaphore(500);
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(services.size() * backends);
        int port = 10_000;
        for (String service : services) {
            ensurePath(service);
            for (int b = 0; b < backends; b++) {
                Registration registration = Registration.of("127.0.0.1", port++, "n" + b);
                inFlight.acquire();
                writer.create(
                        BenchDiscovery.path(service) + "/" + childName(registration),
                        RegistrationCodec.encode(registration),
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL,
                        (rc, path, context, name) -> {
                            if (rc != 0) {
                                failures.incrementAndGet();
                            }
                            inFlight.release();
                            done.countDown();
                        },
                        null);
            }
        }
        if (!done.await(120, TimeUnit.SECONDS) || failures.get() > 0) {
            throw new IllegalStateException("populating ZooKeeper failed: " + failures.get() + " creates");
        }
    }

    /** As Nerve names a registration: {@code <name>_}, or path-encoded with {@code --path-encoding 1}. */
    private String childName(Registration registration) {
        return RegistrationCodec.childNamePrefix(registration, registration.name(), options.get("path-encoding") != 0);
    }

    private void ensurePath(String service) throws Exception {
        StringBuilder path = new StringBuilder();
        for (String part : BenchDiscovery.path(service).substring(1).split("/")) {
            path.append('/').append(part);
            try {
                writer.create(path.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException exists) {
                // already there
            }
        }
    }

    private static ZooKeeper connect(String connectString) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = new ZooKeeper(connectString, 30_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cannot connect to ZooKeeper at " + connectString);
        }
        return client;
    }
}
