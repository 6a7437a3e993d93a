package io.smartstack.synapse.haproxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AddServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.DelServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.EnableHealth;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.SetState;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.SetWeight;
import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.ShutdownSessions;
import io.smartstack.synapse.model.BackendOrigin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planner, table by table: runtime state x desired model -> commands, reload reasons, drains. */
class PlannerTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Planner.Options DYNAMIC = new Planner.Options(true, Duration.ofSeconds(10));
    private static final Planner.Options STATIC = new Planner.Options(false, Duration.ofSeconds(10));

    private static ServerModel server(String name, int id, boolean disabled) {
        return new ServerModel(
                name,
                "10.0.0." + id,
                80,
                id,
                Optional.of(name),
                "check inter 2s",
                OptionalInt.empty(),
                disabled,
                disabled ? BackendOrigin.STATE_CACHE : BackendOrigin.REGISTRY);
    }

    private static HaproxyModel model(boolean acceptsDynamic, ServerModel... servers) {
        return new HaproxyModel(
                List.of(),
                List.of(),
                List.of(),
                List.of(new ServiceModel("web", Optional.empty(), "web", List.of(), List.of(servers), acceptsDynamic)),
                Optional.empty());
    }

    private static RuntimeServer running(String name, int id, int adminFlags, int weight) {
        return new RuntimeServer("web", id, name, "10.0.0." + id, 80, 2, adminFlags, weight);
    }

    private static RuntimeState runtime(List<RuntimeServer> servers, Map<String, ServerStats> stats) {
        return RuntimeState.of(Set.of("web"), servers, stats.isEmpty() ? Map.of() : Map.of("web", stats));
    }

    @Test
    void aNewServerIsAddedWithItsIdHealthChecksAndMadeReady() {
        Plan plan =
                Planner.plan(runtime(List.of(), Map.of()), model(true, server("a", 4, false)), DYNAMIC, Map.of(), NOW);

        assertEquals(
                List.of(
                        new AddServer(
                                "web", "a", "10.0.0.4:80", 4, "check inter 2s pool-max-conn -1 pool-purge-delay 5s"),
                        new EnableHealth("web", "a"),
                        new SetState("web", "a", AdminState.READY)),
                plan.commands());
        assertEquals(List.of(), plan.reloadReasons());
        assertTrue(plan.notes().get(0).contains("without cookie"), plan.notes().toString());
    }

    @Test
    void aRunningServerWithAnotherIdThanTheModelNeedsAReload() {
        Plan plan = Planner.plan(
                runtime(List.of(running("a", 3, 0, 1)), Map.of()),
                model(true, server("a", 4, false)),
                DYNAMIC,
                Map.of(),
                NOW);

        assertEquals(
                List.of("server web/a runs with id 3 and should have id 4"),
                plan.reloadReasons().stream().map(ReloadReason::sentence).toList());
    }

    @Test
    void aNewServerWhoseIdARunningServerHoldsWaitsForTheReload() {
        Plan plan = Planner.plan(
                runtime(List.of(running("old", 4, 0, 1)), Map.of()),
                model(true, server("a", 4, false)),
                DYNAMIC,
                Map.of(),
                NOW);

        assertFalse(
                plan.commands().stream().anyMatch(c -> c instanceof AddServer),
                plan.commands().toString());
        assertEquals(
                List.of(
                        "new server web/a has id 4, which running server old holds",
                        "backend web has no server to route to until a reload adds [a]"),
                plan.reloadReasons().stream().map(ReloadReason::sentence).toList());
    }

    @Test
    void aServerRegisteredByHostNameIsAddedAtItsResolvedAddressOrWaitsForIt() {
        ServerModel named = new ServerModel(
                "a_db.example:80",
                "db.example",
                80,
                4,
                Optional.empty(),
                "",
                OptionalInt.empty(),
                false,
                BackendOrigin.REGISTRY);
        Planner.Options resolved = new Planner.Options(
                true,
                Duration.ofSeconds(10),
                host -> host.equals("db.example") ? Optional.of("10.9.8.7") : Optional.empty());
        Planner.Options unresolved = new Planner.Options(true, Duration.ofSeconds(10), host -> Optional.empty());

        Plan added = Planner.plan(runtime(List.of(), Map.of()), model(true, named), resolved, Map.of(), NOW);
        Plan waiting = Planner.plan(runtime(List.of(), Map.of()), model(true, named), unresolved, Map.of(), NOW);

        assertEquals(
                new AddServer("web", "a_db.example:80", "10.9.8.7:80", 4, "pool-max-conn -1 pool-purge-delay 5s"),
                added.commands().get(0));
        assertEquals(List.of(), waiting.commands());
        assertEquals(List.of(), waiting.reloadReasons());
        assertEquals(
                List.of("server web/a_db.example:80 waits for its host name db.example to resolve"), waiting.notes());
    }

    @Test
    void aNewCachedServerIsAddedButLeftInMaintenance() {
        Plan plan =
                Planner.plan(runtime(List.of(), Map.of()), model(true, server("a", 4, true)), DYNAMIC, Map.of(), NOW);

        assertEquals(
                List.of(
                        new AddServer(
                                "web", "a", "10.0.0.4:80", 4, "check inter 2s pool-max-conn -1 pool-purge-delay 5s"),
                        new EnableHealth("web", "a")),
                plan.commands());
    }

    @Test
    void aNewServerNeedsAReloadWithoutDynamicServersOrWithAStaticAlgorithm() {
        Plan off =
                Planner.plan(runtime(List.of(), Map.of()), model(true, server("a", 1, false)), STATIC, Map.of(), NOW);
        Plan refused =
                Planner.plan(runtime(List.of(), Map.of()), model(false, server("a", 1, false)), DYNAMIC, Map.of(), NOW);

        ReloadReason empty = new ReloadReason(
                ReloadReason.Kind.EMPTY_BACKEND, "backend web has no server to route to until a reload adds [a]");
        assertEquals(
                List.of(
                        new ReloadReason(ReloadReason.Kind.NEW_SERVER, "new server web/a and dynamic servers are off"),
                        empty),
                off.reloadReasons());
        assertEquals(
                List.of(
                        new ReloadReason(
                                ReloadReason.Kind.NEW_SERVER,
                                "new server web/a and the balance algorithm of backend web refuses dynamic servers"),
                        empty),
                refused.reloadReasons());
        assertEquals(List.of(), off.commands());
    }

    @Test
    void aBackendWhoseOnlyServersWaitForAReloadIsReportedEmptyAndOneWithARunningServerIsNot() {
        RuntimeState runningA = runtime(List.of(running("a", 1, 0, 1)), Map.of());

        Plan keepsA = Planner.plan(
                runningA, model(true, server("a", 1, false), server("b", 2, false)), STATIC, Map.of(), NOW);
        Plan replacesA = Planner.plan(runningA, model(true, server("b", 2, false)), STATIC, Map.of(), NOW);
        Plan onlyCachedLeft =
                Planner.plan(runningA, model(true, server("a", 1, true), server("b", 2, false)), STATIC, Map.of(), NOW);
        Plan dynamic = Planner.plan(runningA, model(true, server("b", 2, false)), DYNAMIC, Map.of(), NOW);

        assertEquals(
                List.of(ReloadReason.Kind.NEW_SERVER),
                keepsA.reloadReasons().stream().map(ReloadReason::kind).toList());
        assertEquals(
                List.of(ReloadReason.Kind.NEW_SERVER, ReloadReason.Kind.EMPTY_BACKEND),
                replacesA.reloadReasons().stream().map(ReloadReason::kind).toList());
        assertEquals(
                List.of(ReloadReason.Kind.NEW_SERVER, ReloadReason.Kind.EMPTY_BACKEND),
                onlyCachedLeft.reloadReasons().stream().map(ReloadReason::kind).toList());
        assertEquals(List.of(), dynamic.reloadReasons());
        assertEquals(
                new SetState("web", "a", AdminState.DRAIN),
                dynamic.commands().get(dynamic.commands().size() - 1));
        assertEquals(List.of(), replacesA.commands(), "a keeps serving until the reload replaces it");
        assertEquals(List.of(new SetState("web", "a", AdminState.DRAIN)), onlyCachedLeft.commands());
    }

    @Test
    void aMissingBackendNeedsAReload() {
        RuntimeState empty = RuntimeState.of(Set.of(), List.of(), Map.of());

        Plan plan = Planner.plan(empty, model(true, server("a", 1, false)), DYNAMIC, Map.of(), NOW);

        assertEquals(ReloadReason.Kind.NEW_SERVICE, plan.reloadReasons().get(0).kind());
        assertEquals(
                "service web is new: backend web is not in the running HAProxy",
                plan.reloadReasons().get(0).sentence());
    }

    @Test
    void aServerInMaintenanceOrDrainIsMadeReadyAndItsWeightSet() {
        Plan plan = Planner.plan(
                runtime(List.of(running("a", 1, 0x01, 1), running("b", 2, 0x08, 3)), Map.of()),
                model(true, server("a", 1, false), server("b", 2, false)),
                DYNAMIC,
                Map.of(new ServerRef("web", "b"), NOW.minusSeconds(1)),
                NOW);

        assertEquals(
                List.of(
                        new SetState("web", "a", AdminState.READY),
                        new SetState("web", "b", AdminState.READY),
                        new SetWeight("web", "b", 1)),
                plan.commands());
        assertEquals(Map.of(), plan.draining());
    }

    @Test
    void anUnchangedStateNeedsNothing() {
        Plan plan = Planner.plan(
                runtime(List.of(running("a", 1, 0, 1)), Map.of()),
                model(true, server("a", 1, false)),
                DYNAMIC,
                Map.of(),
                NOW);

        assertEquals(List.of(), plan.commands());
        assertEquals(List.of(), plan.reloadReasons());
        assertFalse(plan.followUp());
    }

    @Test
    void aRemovedServerIsDrainedFirst() {
        Plan plan =
                Planner.plan(runtime(List.of(running("a", 1, 0, 1)), Map.of()), model(true), DYNAMIC, Map.of(), NOW);

        assertEquals(List.of(new SetState("web", "a", AdminState.DRAIN)), plan.commands());
        assertEquals(Map.of(new ServerRef("web", "a"), NOW), plan.draining());
        assertTrue(plan.followUp());
    }

    @Test
    void aDrainingServerWithSessionsLeftWaits() {
        Plan plan = Planner.plan(
                runtime(List.of(running("a", 1, 0x08, 1)), Map.of("a", new ServerStats(3, 9, "DRAIN", ""))),
                model(true),
                DYNAMIC,
                Map.of(new ServerRef("web", "a"), NOW.minusSeconds(2)),
                NOW);

        assertEquals(List.of(), plan.commands());
        assertTrue(plan.followUp());
    }

    @Test
    void aDrainedServerIsPutInMaintenanceThenDeleted() {
        Plan plan = Planner.plan(
                runtime(List.of(running("a", 1, 0x08, 1)), Map.of("a", new ServerStats(0, 9, "DRAIN", ""))),
                model(true),
                DYNAMIC,
                Map.of(new ServerRef("web", "a"), NOW.minusSeconds(2)),
                NOW);

        assertEquals(List.of(new SetState("web", "a", AdminState.MAINT), new DelServer("web", "a")), plan.commands());
        assertEquals(Map.of(), plan.draining());
    }

    @Test
    void aDrainTimeoutCutsTheRemainingSessionsBeforeDeleting() {
        Plan plan = Planner.plan(
                runtime(List.of(running("a", 1, 0x08, 1)), Map.of("a", new ServerStats(2, 9, "DRAIN", ""))),
                model(true),
                DYNAMIC,
                Map.of(new ServerRef("web", "a"), NOW.minusSeconds(11)),
                NOW);

        assertEquals(
                List.of(
                        new SetState("web", "a", AdminState.MAINT),
                        new ShutdownSessions("web", "a"),
                        new DelServer("web", "a")),
                plan.commands());
    }

    @Test
    void withoutDynamicServersARemovedServerEndsInMaintenanceAndStays() {
        Plan plan = Planner.plan(
                runtime(List.of(running("a", 1, 0x08, 1)), Map.of("a", new ServerStats(0, 9, "DRAIN", ""))),
                model(true),
                STATIC,
                Map.of(new ServerRef("web", "a"), NOW),
                NOW);

        assertEquals(List.of(new SetState("web", "a", AdminState.MAINT)), plan.commands());
    }

    @Test
    void aCachedServerIsDrainedToMaintenanceNotDeleted() {
        Plan drained = Planner.plan(
                runtime(List.of(running("a", 1, 0x08, 1)), Map.of("a", new ServerStats(0, 9, "DRAIN", ""))),
                model(true, server("a", 1, true)),
                DYNAMIC,
                Map.of(new ServerRef("web", "a"), NOW),
                NOW);
        Plan inMaintenance = Planner.plan(
                runtime(List.of(running("a", 1, 0x04, 1)), Map.of()),
                model(true, server("a", 1, true)),
                DYNAMIC,
                Map.of(),
                NOW);

        assertEquals(List.of(new SetState("web", "a", AdminState.MAINT)), drained.commands());
        assertEquals(List.of(), inMaintenance.commands());
    }

    @Test
    void aServerAlreadyInMaintenanceIsDeletedAtOnce() {
        Plan plan =
                Planner.plan(runtime(List.of(running("a", 1, 0x01, 1)), Map.of()), model(true), DYNAMIC, Map.of(), NOW);

        assertEquals(List.of(new DelServer("web", "a")), plan.commands());
    }
}
