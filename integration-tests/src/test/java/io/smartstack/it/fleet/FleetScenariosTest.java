package io.smartstack.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fleet in containers (see {@link Fleet}): each scenario runs under bounded load from both
 * consumer hosts, counts the failed requests, and records the time until every consumer routes to
 * what it should (converge), the time until the fleet is whole again (back), and HAProxy reloads.
 * The hosts are started once and reused; each scenario starts from and returns to the whole fleet.
 */
@Tag("containers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetScenariosTest {
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(60);
    /** Requests a consumer's load client can have in flight at once (its connections). */
    private static final int IN_FLIGHT_PER_CONSUMER = 2;

    private static final ScenarioTable TABLE = new ScenarioTable();
    private static Fleet fleet;

    @BeforeAll
    static void startFleet() {
        fleet = Fleet.start();
        try {
            awaitFor("the ensemble serves: " + fleet.ensemble().modes(), Duration.ofSeconds(120), () -> fleet.ensemble()
                    .serving());
            awaitWhole(Duration.ofSeconds(120));
        } catch (RuntimeException | AssertionError e) {
            fleet.close();
            throw e;
        }
    }

    @AfterAll
    static void stopFleet() {
        TABLE.print();
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void everyNerveRegistersItsContainersOwnAddress() {
        for (FleetHost app : fleet.apps()) {
            String own = app.exec("hostname", "-i").trim();
            assertThat(own).isEqualTo(app.address());
        }
        assertThat(fleet.consumers())
                .allSatisfy(c -> assertThat(c.backendAddresses()).isEqualTo(fleet.appAddresses()));
    }

    @Test
    @Order(2)
    void drainingABoxByStoppingItsNerveLosesNoRequest() {
        FleetHost box = fleet.apps().get(0);
        scenario(
                "drain a box (stop its Nerve)",
                0,
                () -> {
                    box.stop("nerve");
                    return awaitRoutes(without(box));
                },
                () -> box.start("nerve"));
    }

    @Test
    @Order(3)
    void aKilledBoxIsRemovedAndFailsOnlyTheRequestsItHadInFlight() {
        FleetHost box = fleet.apps().get(2);
        scenario(
                "kill a box (docker kill)",
                2 * IN_FLIGHT_PER_CONSUMER,
                () -> {
                    box.kill();
                    return awaitRoutes(without(box));
                },
                box::startAgain);
    }

    @Test
    @Order(4)
    void anAppHostCutOffFromZooKeeperIsRemovedAfterTheSessionTimeoutAndBackAfterHealing() {
        FleetHost box = fleet.apps().get(1);
        double[] removedAfter = new double[1];
        scenario(
                "partition an app host from ZooKeeper",
                0,
                () -> {
                    long cut = System.nanoTime();
                    fleet.partitionFromZooKeeper(box);
                    awaitRoutes(without(box));
                    removedAfter[0] = (System.nanoTime() - cut) / 1e9;
                    // Its traffic with the consumers still flows: only ZooKeeper is cut off.
                    String answer = fleet.consumers()
                            .get(0)
                            .host()
                            .exec("curl", "-sf", "--max-time", "2", "http://" + box.address() + ":8080/");
                    assertThat(answer).startsWith("hello from " + box.name());
                    return removedAfter[0];
                },
                () -> fleet.healFromZooKeeper(box));
        // ZooKeeper expires a session one timeout after the last packet it heard from the client, and an idle
        // client pings once every third of the timeout: the last packet can precede the cut by that third. Removal
        // earlier than two thirds of the timeout would mean the host was dropped before its session could expire.
        assertThat(removedAfter[0])
                .as("removed only once its session expired")
                .isGreaterThanOrEqualTo(Fleet.SESSION_TIMEOUT_SECONDS * 2.0 / 3.0 - 0.1);
    }

    @Test
    @Order(5)
    void aConsumerCutOffFromZooKeeperKeepsServingItsLastStateAndCatchesUpAfterHealing() {
        ConsumerHost cutOff = fleet.consumers().get(1);
        ConsumerHost other = fleet.consumers().get(0);
        FleetHost drained = fleet.apps().get(1);
        scenario(
                "partition a consumer host from ZooKeeper",
                0,
                () -> {
                    fleet.partitionFromZooKeeper(cutOff.host());
                    drained.stop("nerve");
                    awaitFor(
                            "the other consumer drops " + drained.name(),
                            CONVERGE_TIMEOUT,
                            () -> other.backendAddresses().equals(without(drained)));
                    // Past its own session timeout, the cut-off consumer still routes to its last state.
                    long until = System.nanoTime()
                            + Duration.ofSeconds(2L * Fleet.SESSION_TIMEOUT_SECONDS)
                                    .toNanos();
                    while (System.nanoTime() < until) {
                        assertThat(cutOff.backendAddresses())
                                .as("cut-off consumer's backends")
                                .isEqualTo(fleet.appAddresses());
                        pause(Duration.ofMillis(200));
                    }
                    long healed = System.nanoTime();
                    fleet.healFromZooKeeper(cutOff.host());
                    awaitFor(
                            "the healed consumer catches up: " + fleet.backendsByConsumer(),
                            CONVERGE_TIMEOUT,
                            () -> cutOff.backendAddresses().equals(without(drained)));
                    return (System.nanoTime() - healed) / 1e9;
                },
                () -> drained.start("nerve"));
    }

    @Test
    @Order(6)
    void killingTheEnsembleLeaderKeepsEveryRouteAndANewLeaderIsElected() {
        FleetHost leader = fleet.ensemble().leader().orElseThrow();
        scenario(
                "kill the ensemble leader",
                0,
                () -> {
                    long started = System.nanoTime();
                    leader.kill();
                    awaitFor("a new leader: " + fleet.ensemble().modes(), CONVERGE_TIMEOUT, () -> fleet.ensemble()
                            .leader()
                            .filter(l -> l != leader)
                            .isPresent());
                    double elected = (System.nanoTime() - started) / 1e9;
                    awaitRoutes(fleet.appAddresses());
                    return elected;
                },
                () -> {
                    leader.startAgain();
                    awaitFor(
                            "the old leader serves again: " + fleet.ensemble().modes(),
                            CONVERGE_TIMEOUT,
                            () -> fleet.ensemble().serving());
                });
    }

    @Test
    @Order(7)
    void aRollingRestartOfEveryNerveLosesNoRequest() {
        scenario(
                "rolling restart of every Nerve",
                0,
                () -> {
                    long started = System.nanoTime();
                    for (FleetHost app : fleet.apps()) {
                        app.stop("nerve");
                        awaitRoutes(without(app));
                        app.start("nerve");
                        awaitRoutes(fleet.appAddresses());
                    }
                    return (System.nanoTime() - started) / 1e9;
                },
                () -> {});
    }

    @Test
    @Order(8)
    void aRollingRestartOfEverySynapseLosesNoRequest() {
        scenario(
                "rolling restart of every Synapse",
                0,
                () -> {
                    long started = System.nanoTime();
                    for (ConsumerHost consumer : fleet.consumers()) {
                        consumer.host().stop("synapse");
                        consumer.host().start("synapse");
                        awaitFor(
                                consumer.host().name() + "'s Synapse routes again",
                                CONVERGE_TIMEOUT,
                                () -> consumer.backendAddresses().equals(fleet.appAddresses()));
                    }
                    return (System.nanoTime() - started) / 1e9;
                },
                () -> {});
    }

    /** Runs {@code event} (returns its converge time) then {@code restore} under load, records and checks the figures. */
    private static void scenario(String name, long allowedFailures, Event event, Runnable restore) {
        awaitWhole(CONVERGE_TIMEOUT);
        long reloadsBefore = fleet.reloads();
        fleet.consumers().forEach(ConsumerHost::startLoad);
        double converge = -1;
        double back = -1;
        LoadFigures load = null;
        try {
            try {
                converge = event.run();
            } catch (RuntimeException | AssertionError e) {
                // Restored also after a failed event, so that the next scenario starts from the whole fleet.
                try {
                    restore.run();
                } catch (RuntimeException | AssertionError alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                throw e;
            }
            long restored = System.nanoTime();
            restore.run();
            awaitWhole(CONVERGE_TIMEOUT);
            back = (System.nanoTime() - restored) / 1e9;
        } finally {
            for (ConsumerHost consumer : fleet.consumers()) {
                LoadFigures figures = consumer.stopLoad();
                load = load == null ? figures : load.plus(figures);
            }
        }
        long reloads = Math.max(0, fleet.reloads() - reloadsBefore);
        TABLE.add(
                new ScenarioTable.Row(name, load.requests(), load.failed(), allowedFailures, converge, back, reloads));
        assertThat(load.ok()).as("answered requests").isPositive();
        assertThat(load.failed())
                .as("failed requests (first ones: %s); answers per backend %s", load.failures(), load.byBackend())
                .isLessThanOrEqualTo(allowedFailures);
    }

    /** Waits until every consumer routes to {@code addresses}; returns the seconds it took. */
    private static double awaitRoutes(Set<String> addresses) {
        long started = System.nanoTime();
        awaitFor(
                "every consumer routes to " + addresses,
                CONVERGE_TIMEOUT,
                () -> fleet.everyConsumerRoutesTo(addresses));
        return (System.nanoTime() - started) / 1e9;
    }

    private static void awaitWhole(Duration timeout) {
        awaitFor(
                "the whole fleet: every consumer routes to every app host",
                timeout,
                () -> fleet.ensemble().serving() && fleet.everyConsumerRoutesTo(fleet.appAddresses()));
    }

    private static void awaitFor(String what, Duration timeout, BooleanSupplier condition) {
        try {
            Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "not within " + timeout + ": " + what + "; now: " + fleet.backendsByConsumer() + "; ensemble: "
                            + fleet.ensemble().modes() + fleet.logTails(30),
                    e);
        }
    }

    private static Set<String> without(FleetHost box) {
        Set<String> rest = new TreeSet<>(fleet.appAddresses());
        rest.remove(box.address());
        return rest;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @FunctionalInterface
    private interface Event {
        double run();
    }
}
