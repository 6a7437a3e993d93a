package io.smartstack.synapse.haproxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.registration.Registration;
import io.smartstack.synapse.haproxy.live.HttpBackends;
import io.smartstack.synapse.haproxy.live.LiveHaproxy;
import io.smartstack.synapse.haproxy.live.Traffic;
import io.smartstack.synapse.haproxy.live.Wrk;
import io.smartstack.testing.FreePorts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.test.TestingServer;

/**
 * The propagation benchmark (bin/synapse-bench): real ZooKeeper (curator-test TestingServer, in
 * process), a real managed HAProxy 2.6, real HTTP backends, wrk. Discovery is a small CuratorCache
 * watcher + RegistrationCodec feeding the haproxy generator (the benchmark's stand-in for Synapse's
 * own discovery and reconciler).
 *
 * <p>Options: {@code --events N} (per kind, default 200), {@code --churn-seconds S} (60),
 * {@code --changes N} (500), {@code --services N} (10), {@code --first-request-samples N} (15).
 */
public final class SynapseBench {
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(15);
    private final TestingServer zookeeper;
    private final HttpBackends http;
    private final List<Integer> pool = new ArrayList<>();
    private final Map<String, Integer> options;

    private SynapseBench(TestingServer zookeeper, HttpBackends http, Map<String, Integer> options) {
        this.zookeeper = zookeeper;
        this.http = http;
        this.options = options;
        for (int i = 0; i < 20; i++) {
            pool.add(http.start("p" + i));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = new java.util.HashMap<>(Map.of(
                "events", 200, "churn-seconds", 60, "changes", 500, "services", 10, "first-request-samples", 15));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), Integer.parseInt(args[i + 1]));
        }
        System.out.println("synapse-bench: HAProxy " + haproxyVersion() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, ZooKeeper in process (curator-test), loopback");
        try (TestingServer zookeeper = new TestingServer(true);
                HttpBackends http = new HttpBackends()) {
            SynapseBench bench = new SynapseBench(zookeeper, http, options);
            bench.propagation();
            Churn dynamic = bench.churn("  dynamic_servers: true\n");
            Churn reload = bench.churn("  dynamic_servers: false\n  restart_interval: 2\n");
            System.out.println();
            System.out.println("c. churn under load: " + options.get("churn-seconds")
                    + " s of wrk (2 threads, 20 connections), " + options.get("changes") + " membership changes, "
                    + options.get("services") + " new services");
            System.out.printf(
                    Locale.ROOT, "   %-22s %12s %10s %10s %9s%n", "strategy", "requests", "failed", "reloads", "req/s");
            dynamic.print("dynamic servers");
            reload.print("dynamic_servers: false");
            System.out.println("   wrk errors, dynamic: " + dynamic.wrk.failedDetail());
            System.out.println("   wrk errors, dynamic_servers: false: " + reload.wrk.failedDetail());
            System.out.println("   plus one Java client (HttpURLConnection, keep-alive) beside wrk: dynamic "
                    + dynamic.probeOk() + " ok, errors " + dynamic.probeErrors() + "; dynamic_servers: false "
                    + reload.probeOk() + " ok, errors " + reload.probeErrors());
            System.out.println(
                    "   time the loaded backend had no ready server in HAProxy (polled every ~2 ms): dynamic "
                            + dynamic.emptyBackend() + "; dynamic_servers: false " + reload.emptyBackend());
            System.out.println("   server-side connections of the loaded backend (since the last reload): dynamic "
                    + dynamic.connections() + "; dynamic_servers: false " + reload.connections());
            Latencies firstDynamic = bench.firstRequest("  dynamic_servers: true\n", 0);
            Latencies firstReload = bench.firstRequest("  dynamic_servers: false\n  restart_interval: 2\n", 2_200);
            System.out.println();
            System.out.println("d. new backend: znode created -> its first request (traffic: 4 client threads)");
            System.out.println("   dynamic servers:        " + firstDynamic.summary());
            System.out.println("   dynamic_servers: false: " + firstReload.summary());
        }
    }

    private static JsonNode section(int port, boolean checks) {
        return LiveHaproxy.service(port, "")
                .deepCopy()
                .<com.fasterxml.jackson.databind.node.ObjectNode>require()
                .put("server_options", checks ? "check inter 1s rise 1 fall 2" : "");
    }

    /** a. and b.: create, data change and delete, one at a time, each awaited in HAProxy's runtime state. */
    private void propagation() throws Exception {
        int events = options.get("events");
        int port = FreePorts.next();
        try (Rig rig = new Rig(zookeeper.getConnectString(), "  use_nerve_weights: true\n");
                Probe probe = new Probe(rig.haproxy.directory.resolve("haproxy.sock"))) {
            rig.watch("web", section(port, false));
            rig.register("web", Registration.of("127.0.0.1", pool.get(0), "seed"));
            probeUntil(() -> Probe.ready(probe.server("web", "seed_127.0.0.1:" + pool.get(0))));
            Map<String, Long> seen = new ConcurrentHashMap<>();
            CuratorCache floor =
                    CuratorCache.build(Rig.client(zookeeper.getConnectString()), BenchDiscovery.path("web"));
            floor.listenable()
                    .addListener(CuratorCacheListener.builder()
                            .forCreates(node -> seen.putIfAbsent("create " + node.getPath(), System.nanoTime()))
                            .forChanges(
                                    (before, after) -> seen.putIfAbsent("change " + after.getPath(), System.nanoTime()))
                            .forDeletes(node -> seen.putIfAbsent("delete " + node.getPath(), System.nanoTime()))
                            .build());
            floor.start();
            int reloadsBefore = rig.haproxy.masterReloads();
            Latencies[] create = {new Latencies(), new Latencies()};
            Latencies[] change = {new Latencies(), new Latencies()};
            Latencies[] delete = {new Latencies(), new Latencies()};
            List<String> paths = new ArrayList<>();
            List<String> names = new ArrayList<>();
            int missed = 0;
            for (int i = 0; i < events; i++) {
                int backendPort = pool.get(i % pool.size());
                String name = "b" + i + "_127.0.0.1:" + backendPort;
                long start = System.nanoTime();
                String path = rig.register("web", Registration.of("127.0.0.1", backendPort, "b" + i));
                long done = probe.awaitServer("web", name, Probe::ready, TIMEOUT);
                missed += record(create[0], create[1], start, done, seen, "create " + path, probe);
                paths.add(path);
                names.add(name);
            }
            for (int i = 0; i < events; i++) {
                int weight = 2 + i % 200;
                Registration registration = Registration.of("127.0.0.1", pool.get(i % pool.size()), "b" + i)
                        .withWeight(weight);
                long start = System.nanoTime();
                rig.writer
                        .setData()
                        .forPath(
                                paths.get(i), io.smartstack.common.registration.RegistrationCodec.encode(registration));
                long done = probe.awaitServer(
                        "web",
                        names.get(i),
                        server -> server.isPresent() && server.get().userWeight() == weight,
                        TIMEOUT);
                missed += record(change[0], change[1], start, done, seen, "change " + paths.get(i), probe);
            }
            for (int i = 0; i < events; i++) {
                long start = System.nanoTime();
                rig.writer.delete().forPath(paths.get(i));
                long done = probe.awaitServer("web", names.get(i), server -> !Probe.ready(server), TIMEOUT);
                missed += record(delete[0], delete[1], start, done, seen, "delete " + paths.get(i), probe);
            }
            int reloads = rig.haproxy.masterReloads() - reloadsBefore;
            floor.close();
            System.out.println();
            System.out.println("a. propagation: znode write -> visible in HAProxy's `show servers state` (" + events
                    + " events per kind, one at a time; dynamic servers)");
            System.out.println("   floor = bare CuratorCache watch of the same write + one runtime API round trip");
            print("create (server added, ready)", create);
            print("data change (weight set)", change);
            print("delete (server drained: no new requests)", delete);
            System.out.println("b. reloads during these " + (3 * events) + " events: " + reloads
                    + (missed > 0 ? " (" + missed + " events not seen within 15 s)" : ""));
        }
    }

    private static int record(
            Latencies measured, Latencies floor, long start, long done, Map<String, Long> seen, String key, Probe probe)
            throws Exception {
        if (done < 0) {
            return 1;
        }
        measured.add(done - start);
        long deadline = System.nanoTime() + TIMEOUT;
        while (!seen.containsKey(key) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000);
        }
        if (seen.containsKey(key)) {
            floor.add(seen.get(key) - start + probe.roundTrip("web"));
        }
        return 0;
    }

    private static void print(String kind, Latencies[] pair) {
        double target = 2 * pair[1].percentileMillis(99) + 5;
        System.out.printf(Locale.ROOT, "   %-42s %s%n", kind, pair[0].summary());
        System.out.printf(Locale.ROOT, "   %-42s %s%n", "  floor", pair[1].summary());
        System.out.printf(
                Locale.ROOT,
                "   %-42s p50 %.1fx, p99 %.1fx floor; target p99 <= 2 x floor + 5 ms = %.2f ms: %s%n",
                "  ratio",
                pair[0].percentileMillis(50) / pair[1].percentileMillis(50),
                pair[0].percentileMillis(99) / pair[1].percentileMillis(99),
                target,
                pair[0].percentileMillis(99) <= target ? "met" : "NOT met");
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void probeUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT;
        while (!holds(check)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not reached within 15 s");
            }
            Thread.sleep(10);
        }
    }

    private static boolean holds(Check check) {
        try {
            return check.holds();
        } catch (Exception notYet) {
            return false;
        }
    }

    record Churn(
            Wrk wrk,
            int reloads,
            int seconds,
            long probeOk,
            Map<String, Long> probeErrors,
            String emptyBackend,
            String connections) {
        void print(String strategy) {
            System.out.printf(
                    Locale.ROOT,
                    "   %-22s %12d %10d %10d %9.0f%n",
                    strategy,
                    wrk.requests(),
                    wrk.failed(),
                    reloads,
                    wrk.requests() / (double) seconds);
        }
    }

    /** c.: wrk on one service for the whole run while backends come, go and flip, and new services appear. */
    private Churn churn(String settings) throws Exception {
        int seconds = options.get("churn-seconds");
        int changes = options.get("changes");
        int newServices = options.get("services");
        int port = FreePorts.next();
        Random random = new Random(42);
        try (Rig rig = new Rig(zookeeper.getConnectString(), settings)) {
            String web = "web" + port;
            rig.watch(web, section(port, true));
            List<Object[]> live = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                live.add(new Object[] {
                    rig.register(web, Registration.of("127.0.0.1", pool.get(i), "w" + i)),
                    Registration.of("127.0.0.1", pool.get(i), "w" + i)
                });
            }
            // ready in HAProxy's own state: an HTTP warm-up would leave keep-alive connections on the first
            // worker (started before any server registered), whose empty backend answers them 503 later
            // (a new connection per look: a runtime session stays with the worker it was opened on)
            for (int i = 0; i < 5; i++) {
                String name = "w" + i + "_127.0.0.1:" + pool.get(i);
                probeUntil(() -> {
                    try (Probe ready = new Probe(rig.haproxy.directory.resolve("haproxy.sock"))) {
                        return Probe.ready(ready.server(web, name));
                    }
                });
            }
            int reloadsBefore = rig.haproxy.masterReloads();
            EmptyBackendWatch empty = new EmptyBackendWatch(rig.haproxy.directory.resolve("haproxy.sock"), web);
            Traffic probe = new Traffic(port).start(1);
            Process wrk = Wrk.start(port, seconds, 20);
            long interval = TimeUnit.SECONDS.toNanos(seconds - 4) / changes;
            long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            Object[] flipped = null;
            int added = 5;
            for (int change = 0; change < changes; change++) {
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                next += interval;
                switch (change % 4) {
                    case 0 -> {
                        Registration registration =
                                Registration.of("127.0.0.1", pool.get(added % pool.size()), "w" + added);
                        added++;
                        live.add(new Object[] {rig.register(web, registration), registration});
                    }
                    case 1 -> {
                        if (live.size() > 3) {
                            rig.writer.delete().forPath((String) live.remove(random.nextInt(live.size()))[0]);
                        }
                    }
                    case 2 -> {
                        flipped = live.remove(random.nextInt(live.size()));
                        rig.writer.delete().forPath((String) flipped[0]);
                    }
                    default -> {
                        Registration registration = (Registration) flipped[1];
                        live.add(new Object[] {rig.register(web, registration), registration});
                    }
                }
                if ((change + 1) % (changes / newServices) == 0) {
                    String service = "extra" + (change + 1);
                    rig.watch(service, section(FreePorts.next(), true));
                    rig.register(service, Registration.of("127.0.0.1", pool.get(change % pool.size()), "x"));
                }
            }
            Wrk result = Wrk.finish(wrk);
            probe.close();
            empty.close();
            String connections = connections(rig, web);
            Thread.sleep(3000); // let the last deferred reload happen before counting
            return new Churn(
                    result,
                    rig.haproxy.masterReloads() - reloadsBefore,
                    seconds,
                    probe.ok(),
                    probe.errors(),
                    empty.summary(),
                    connections);
        }
    }

    /** The loaded backend's connections to its servers, opened vs reused (HAProxy counts since the last reload). */
    private static String connections(Rig rig, String backend) {
        String stat = rig.haproxy.runtime("show stat -1 2 -1");
        List<String> header =
                List.of(stat.lines().findFirst().orElse("# ").substring(2).split(","));
        return stat.lines()
                .filter(line -> line.startsWith(backend + ",BACKEND,"))
                .findFirst()
                .map(line -> line.split(","))
                .map(row -> "opened " + row[header.indexOf("connect")] + ", reused " + row[header.indexOf("reuse")])
                .orElse("unknown");
    }

    /** d.: under light traffic, how long until a newly registered backend answers its first request. */
    private Latencies firstRequest(String settings, long pauseMillis) throws Exception {
        int samples = options.get("first-request-samples");
        int port = FreePorts.next();
        Latencies latencies = new Latencies();
        try (Rig rig = new Rig(zookeeper.getConnectString(), settings)) {
            rig.watch("web", section(port, true));
            rig.register("web", Registration.of("127.0.0.1", pool.get(0), "first"));
            probeUntil(() -> !Traffic.once(port).startsWith("error"));
            try (Traffic traffic = new Traffic(port).start(4)) {
                for (int i = 0; i < samples; i++) {
                    Thread.sleep(pauseMillis);
                    String name = "new" + port + "-" + i;
                    int backendPort = http.start(name);
                    long start = System.nanoTime();
                    rig.register("web", Registration.of("127.0.0.1", backendPort, name));
                    long deadline = start + TIMEOUT;
                    while (http.hits(name) == 0 && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(200_000);
                    }
                    if (http.hits(name) > 0) {
                        latencies.add(System.nanoTime() - start);
                    }
                }
            }
        }
        return latencies;
    }

    private static String haproxyVersion() {
        try {
            Process process = new ProcessBuilder("haproxy", "-v")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(process.getInputStream().readAllBytes());
            return text.lines()
                    .findFirst()
                    .map(line -> line.replace("HAProxy version ", ""))
                    .orElse("?");
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
