package io.smartstack.synapse.haproxy.bench;

import static io.smartstack.synapse.haproxy.Fixtures.backend;
import static io.smartstack.synapse.haproxy.Fixtures.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.synapse.haproxy.live.ExternalHaproxy;
import io.smartstack.synapse.haproxy.live.HttpBackends;
import io.smartstack.synapse.haproxy.live.LiveHaproxy;
import io.smartstack.synapse.haproxy.live.Traffic;
import io.smartstack.synapse.haproxy.live.Wrk;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.testing.FreePorts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * {@code bin/synapse-bench modes}: the same backend churn under the same wrk load, in one run, for a
 * managed HAProxy and for an HAProxy Synapse does not manage (master-worker reloaded through its master
 * socket, and daemon mode reloaded with {@code -sf}), printed side by side: requests, failed requests,
 * Synapse's reloads after the startup one, and whether the serving process changed. Real HAProxy 2.6,
 * real HTTP backends, wrk; the churn is applied to the generator directly (no ZooKeeper), from one
 * seeded schedule: adds, removes, weight changes, servers to maintenance and back.
 *
 * <p>Options: {@code --seconds S} (wrk run per mode, default 20), {@code --changes N} (300).
 */
public final class ModesBench {
    private record Result(String mode, Wrk wrk, int reloads, boolean sameProcess, int seconds) {}

    private interface Setup extends AutoCloseable {
        ConfigGenerator generator();

        /** The pid of the process serving now. */
        long serving();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = new HashMap<>(Map.of("seconds", 20, "changes", 300));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), Integer.parseInt(args[i + 1]));
        }
        int seconds = options.get("seconds");
        int changes = options.get("changes");
        System.out.println(
                "synapse-bench modes: HAProxy 2.6, " + Runtime.getRuntime().availableProcessors()
                        + " CPUs, loopback; per mode " + seconds + " s of wrk (2 threads, 10 connections), " + changes
                        + " changes (add, remove, weight, maintenance and back)");
        List<Result> results = new ArrayList<>();
        try (HttpBackends http = new HttpBackends()) {
            results.add(run("managed", managed(), http, seconds, changes));
            results.add(run(
                    "external master-worker", external(ExternalHaproxy.Mode.MASTER_WORKER), http, seconds, changes));
            results.add(run("external daemon (-sf)", external(ExternalHaproxy.Mode.DAEMON), http, seconds, changes));
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "   %-24s %10s %8s %9s %14s %8s%n",
                "mode",
                "requests",
                "failed",
                "reloads",
                "same process",
                "req/s");
        for (Result result : results) {
            System.out.printf(
                    Locale.ROOT,
                    "   %-24s %10d %8d %9d %14s %8.0f%n",
                    result.mode(),
                    result.wrk().requests(),
                    result.wrk().failed(),
                    result.reloads(),
                    result.sameProcess() ? "yes" : "no",
                    result.wrk().requests() / (double) result.seconds());
        }
        System.out.println("   reloads: Synapse's, after the startup one (managed: none at startup, HAProxy starts)");
        for (Result result : results) {
            System.out.println(
                    "   wrk errors, " + result.mode() + ": " + result.wrk().failedDetail());
        }
    }

    private static Setup managed() {
        LiveHaproxy haproxy = new LiveHaproxy("  use_nerve_weights: true\n");
        ConfigGenerator generator = haproxy.newGenerator();
        return setup(generator, haproxy::workerPid, haproxy);
    }

    private static Setup external(ExternalHaproxy.Mode mode) throws Exception {
        ExternalHaproxy haproxy = new ExternalHaproxy(mode);
        haproxy.start();
        ConfigGenerator generator = haproxy.newGenerator(new SimpleMeterRegistry(), "  use_nerve_weights: true\n");
        return setup(generator, haproxy::workerPid, haproxy);
    }

    private static Setup setup(ConfigGenerator generator, LongSupplier serving, AutoCloseable haproxy) {
        return new Setup() {
            @Override
            public ConfigGenerator generator() {
                return generator;
            }

            @Override
            public long serving() {
                return serving.getAsLong();
            }

            @Override
            public void close() {
                generator.close();
                try {
                    haproxy.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static int reloads(ConfigGenerator generator) {
        return (int) ((Map<String, Object>) generator.status()).get("reloads");
    }

    private static Result run(String mode, Setup setup, HttpBackends http, int seconds, int changes) throws Exception {
        System.out.println("   running: " + mode);
        int port = FreePorts.next();
        try (setup) {
            ConfigGenerator generator = setup.generator();
            generator.start();
            List<Backend> servers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                servers.add(backend("m" + i, "127.0.0.1", http.start(mode + i)));
            }
            generator.apply(web(servers, port));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!Traffic.once(port).startsWith(mode)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(mode + ": HAProxy does not serve after 15 s");
                }
                Thread.sleep(50);
            }
            Thread.sleep(1000); // the startup reload's old process finishes
            int reloadsBefore = reloads(generator);
            long process = setup.serving();
            Process wrk = Wrk.start(port, seconds, 10);
            churn(generator, servers, http, mode, port, seconds, changes);
            Wrk result = Wrk.finish(wrk);
            Thread.sleep(1000); // a deferred reload, if any, is counted
            return new Result(mode, result, reloads(generator) - reloadsBefore, setup.serving() == process, seconds);
        }
    }

    private static void churn(
            ConfigGenerator generator,
            List<Backend> servers,
            HttpBackends http,
            String mode,
            int port,
            int seconds,
            int changes)
            throws InterruptedException {
        Random random = new Random(42);
        long interval = TimeUnit.SECONDS.toNanos(Math.max(1, seconds - 4)) / changes;
        long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        int added = servers.size();
        for (int change = 0; change < changes; change++) {
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            next += interval;
            int pick = random.nextInt(servers.size());
            switch (change % 5) {
                case 0 -> {
                    servers.add(backend("m" + added, "127.0.0.1", http.start(mode + added)));
                    added++;
                }
                case 1 -> {
                    if (servers.size() > 4) {
                        servers.remove(pick);
                    }
                }
                case 2 -> servers.set(pick, weighted(servers.get(pick), 1 + random.nextInt(100)));
                case 3 -> servers.set(pick, servers.get(pick).withOrigin(BackendOrigin.STATE_CACHE));
                default -> servers.replaceAll(server -> server.withOrigin(BackendOrigin.REGISTRY));
            }
            generator.apply(web(servers, port));
        }
    }

    private static DesiredState web(List<Backend> servers, int port) {
        return DesiredState.of(List.of(service("web", servers, LiveHaproxy.service(port, ""))));
    }

    private static Backend weighted(Backend backend, int weight) {
        return new Backend(
                backend.host(),
                backend.port(),
                backend.name(),
                backend.id(),
                OptionalInt.of(weight),
                backend.haproxyServerOptions(),
                backend.labels(),
                backend.origin());
    }
}
