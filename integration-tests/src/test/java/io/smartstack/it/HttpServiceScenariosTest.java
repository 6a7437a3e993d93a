package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.smartstack.it.support.ManagedHaproxy;
import io.smartstack.it.support.SharedZooKeeperStackTest;
import io.smartstack.it.support.Stack.NerveTiming;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.it.support.Traffic;
import io.smartstack.it.support.WebStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP service behind Nerve and Synapse, every daemon a separate process started through bin/, as a
 * user on the consumer host sees it: requests to HAProxy on localhost. One ZooKeeper for the class
 * (each test registers under its own path); everything else is started per test.
 */
class HttpServiceScenariosTest extends SharedZooKeeperStackTest {
    private static final Duration ROUTED = Duration.ofSeconds(30);
    private static final Duration PROPAGATION_SLACK = Duration.ofSeconds(3);

    private WebStack web;

    @BeforeEach
    void newWebStack() {
        web = new WebStack(stack);
    }

    @Test
    void aRegisteredInstanceBecomesRoutableThroughLocalHaproxy() {
        SynapseProcess synapse = web.startSynapse("");
        web.addInstance("web-1", NerveTiming.FAST);
        awaitAnswering("web-1");
        assertThat(synapse.backendNames(WebStack.SERVICE)).containsExactly("web-1");

        web.addInstance("web-2", NerveTiming.FAST);
        awaitAnswering("web-1", "web-2");
        Map<String, Integer> spread = Traffic.spread(web.url(), 20);
        assertThat(spread).containsOnlyKeys("web-1", "web-2");
        assertThat(synapse.backendNames(WebStack.SERVICE)).containsExactly("web-1", "web-2");
    }

    @Test
    void aFailingHealthCheckRemovesTheInstanceWithinFallTimesInterval() {
        NerveTiming timing = NerveTiming.FAST.withFall(2, Duration.ofMillis(500));
        SynapseProcess synapse = web.startSynapse("");
        WebStack.Instance failing = web.addInstance("web-1", timing);
        web.addInstance("web-2", timing);
        awaitAnswering("web-1", "web-2");

        long started = System.nanoTime();
        failing.service().failHealth();
        Duration bound = timing.checkInterval().multipliedBy(timing.fall()).plus(PROPAGATION_SLACK);
        await().atMost(bound).pollInterval(Duration.ofMillis(50)).until(() -> !synapse.backendNames(WebStack.SERVICE)
                .contains("web-1"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(Traffic.spread(web.url(), 20)).containsOnlyKeys("web-2");
        assertThat(took).as("removed after %s, bound %s", took, bound).isLessThanOrEqualTo(bound);
    }

    @Test
    void stoppingNerveDrainsItsInstanceWithoutAFailedRequest() throws Exception {
        SynapseProcess synapse = web.startSynapse("");
        WebStack.Instance drained = web.addInstance("web-1", NerveTiming.FAST);
        web.addInstance("web-2", NerveTiming.FAST);
        awaitAnswering("web-1", "web-2");

        try (Traffic.Load load = Traffic.load(web.url(), 100_000, Duration.ofSeconds(60))) {
            await().atMost(ROUTED).until(() -> load.answeredBy("web-1") > 20 && load.answeredBy("web-2") > 20);
            assertThat(drained.nerve().terminate()).isZero();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !synapse.backendNames(WebStack.SERVICE).contains("web-1"));
            long web1 = load.answeredBy("web-1");
            long web2 = load.answeredBy("web-2");
            await().atMost(ROUTED).until(() -> load.answeredBy("web-2") > web2 + 100);
            load.close();
            assertThat(load.failed()).as("failed requests: %s", load.failures()).isZero();
            assertThat(load.answeredBy("web-1"))
                    .as("web-1 gets nothing once drained")
                    .isLessThanOrEqualTo(web1 + 1);
        }
        assertThat(Traffic.get("http://127.0.0.1:" + drained.service().port() + "/")
                        .responder())
                .as("the application itself keeps running; only its registration went")
                .isEqualTo("web-1");
    }

    @Test
    void killNineOfNerveRemovesItsInstanceOnlyAfterTheSessionTimeout() {
        NerveTiming timing = NerveTiming.FAST.withSessionTimeout(Duration.ofSeconds(4));
        SynapseProcess synapse = web.startSynapse("");
        WebStack.Instance killed = web.addInstance("web-1", timing);
        web.addInstance("web-2", timing);
        awaitAnswering("web-1", "web-2");

        long killedAt = System.nanoTime();
        killed.nerve().kill();
        assertThat(synapse.backendNames(WebStack.SERVICE)).contains("web-1");
        assertThat(Traffic.spread(web.url(), 10))
                .as("still routed right after the kill")
                .containsKey("web-1");
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(3));

        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !synapse.backendNames(WebStack.SERVICE).contains("web-1"));
        Duration gone = Duration.ofNanos(System.nanoTime() - killedAt);
        // ZooKeeper counts the timeout from the session's last heartbeat, which the client sends after a
        // third of the timeout without traffic: the expiry comes between 2/3 and all of the timeout after
        // the kill (2.67-4 s here), never within the milliseconds of a deregistration.
        assertThat(gone)
                .as("removed by the session expiry (4 s timeout), not before")
                .isGreaterThanOrEqualTo(Duration.ofMillis(2500))
                .isLessThanOrEqualTo(
                        Duration.ofSeconds(4).plus(Duration.ofSeconds(2)).plus(PROPAGATION_SLACK));
        assertThat(Traffic.spread(web.url(), 10)).containsOnlyKeys("web-2");
    }

    @Test
    void killNineOfSynapseLeavesTrafficFlowingAndARestartChangesNothing() throws Exception {
        SynapseProcess synapse = web.startSynapse("");
        web.addInstance("web-1", NerveTiming.FAST);
        web.addInstance("web-2", NerveTiming.FAST);
        awaitAnswering("web-1", "web-2");
        long master = ManagedHaproxy.masterPid(synapse.haproxyPidFile()).orElseThrow();
        List<Long> workers = ManagedHaproxy.workerPids(synapse.haproxyPidFile());
        assertThat(workers).isNotEmpty();

        try (Traffic.Load load = Traffic.load(web.url(), 100_000, Duration.ofSeconds(90))) {
            await().atMost(ROUTED).until(() -> load.succeeded() > 20);
            synapse.kill();
            long atKill = load.succeeded();
            await().atMost(ROUTED).until(() -> load.succeeded() > atKill + 200);
            assertThat(synapse.isAlive()).isFalse();

            synapse.start();
            await().atMost(ROUTED).until(() -> synapse.status().path("ready").asBoolean());
            await().atMost(ROUTED)
                    .until(() -> synapse.backendNames(WebStack.SERVICE).equals(List.of("web-1", "web-2")));
            long afterRestart = load.succeeded();
            await().atMost(ROUTED).until(() -> load.succeeded() > afterRestart + 200);
            load.close();
            assertThat(load.failed()).as("failed requests: %s", load.failures()).isZero();
        }
        assertThat(synapse.haproxyStatus().path("reloads").asInt())
                .as("the restarted Synapse adopted HAProxy without a reload")
                .isZero();
        assertThat(ManagedHaproxy.masterPid(synapse.haproxyPidFile())).contains(master);
        assertThat(ManagedHaproxy.workerPids(synapse.haproxyPidFile())).isEqualTo(workers);
        assertThat(Traffic.spread(web.url(), 20)).containsOnlyKeys("web-1", "web-2");
    }

    private void awaitAnswering(String... instances) {
        web.awaitAnswering(ROUTED, instances);
    }
}
