package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerIdsTest {
    private static Backend backend(String name, long registryId) {
        return new Backend(
                "h",
                1,
                name,
                registryId > 0 ? OptionalLong.of(registryId) : OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Map.of(),
                BackendOrigin.REGISTRY);
    }

    private static Map<String, Integer> assign(List<Backend> backends, ServerIds.Sources sources, int max) {
        return ServerIds.assign(backends, sources, max).ids();
    }

    private static Backend asking(String name, OptionalInt serverId, String options) {
        return new Backend(
                "h",
                1,
                name,
                OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.ofNullable(options),
                Map.of(),
                BackendOrigin.REGISTRY,
                serverId);
    }

    private static final ServerIds.Sources NOTHING = new ServerIds.Sources(Map.of(), Map.of(), Set.of());

    @Test
    void anIdInTheOptionsBeatsHaproxyServerIdWhichBeatsTheRunningId() {
        ServerIds.Assignment result = ServerIds.assign(
                List.of(
                        asking("a", OptionalInt.of(9), "check id 4"),
                        asking("b", OptionalInt.of(6), null),
                        backend("c", 0)),
                new ServerIds.Sources(Map.of("a_h:1", 1, "b_h:1", 2, "c_h:1", 4), Map.of(), Set.of()),
                100);
        assertEquals(Map.of("a_h:1", 4, "b_h:1", 6, "c_h:1", 1), result.ids());
        assertEquals(List.of(), result.warnings());
    }

    @Test
    void twoServersAskingForOneIdAreSettledByOptionsThenRunningThenNameWithAWarning() {
        ServerIds.Assignment byName = ServerIds.assign(
                List.of(asking("z", OptionalInt.of(5), null), asking("y", OptionalInt.of(5), null)), NOTHING, 100);
        assertEquals(Map.of("y_h:1", 5, "z_h:1", 1), byName.ids());
        assertEquals(1, byName.warnings().size());
        assertTrue(
                byName.warnings()
                        .get(0)
                        .startsWith("server z_h:1 asks for id 5 (haproxy_server_id) as does server y_h:1"),
                byName.warnings().get(0));

        Map<String, Integer> byRunning = assign(
                List.of(asking("z", OptionalInt.of(5), null), asking("y", OptionalInt.of(5), null)),
                new ServerIds.Sources(Map.of("z_h:1", 5), Map.of(), Set.of()),
                100);
        assertEquals(Map.of("z_h:1", 5, "y_h:1", 1), byRunning);

        Map<String, Integer> byOptions = assign(
                List.of(asking("a", OptionalInt.of(5), null), asking("b", OptionalInt.empty(), "id 5")),
                new ServerIds.Sources(Map.of("a_h:1", 5), Map.of(), Set.of()),
                100);
        assertEquals(Map.of("b_h:1", 5, "a_h:1", 1), byOptions);
    }

    @Test
    void askedForIdsOutsideMaxServerIdAreIgnoredWithAWarning() {
        ServerIds.Assignment result = ServerIds.assign(
                List.of(asking("a", OptionalInt.of(11), null), asking("b", OptionalInt.empty(), "id 0 check")),
                NOTHING,
                10);
        assertEquals(Map.of("a_h:1", 1, "b_h:1", 2), result.ids());
        assertEquals(2, result.warnings().size());
        assertTrue(
                result.warnings().get(0).contains("outside 1..10 (max_server_id)"),
                result.warnings().get(0));
    }

    @Test
    void registryAndRunningIdsBeyondMaxServerIdAreReplacedByOnesWithin() {
        Map<String, Integer> ids = assign(
                List.of(backend("a", 70000), backend("b", 0)),
                new ServerIds.Sources(Map.of("b_h:1", 12), Map.of(), Set.of()),
                10);
        assertEquals(Map.of("a_h:1", 1, "b_h:1", 2), ids);
    }

    @Test
    void everyAssignedIdIsWithinTheMaximumAndUnique() {
        List<Backend> backends = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            backends.add(i % 3 == 0 ? asking("s" + i, OptionalInt.of(i % 7 + 1), null) : backend("s" + i, i * 3L));
        }
        ServerIds.Assignment result =
                ServerIds.assign(backends, new ServerIds.Sources(Map.of(), Map.of("s5_h:1", 2), Set.of(30)), 30);
        assertEquals(29, result.ids().size(), "30 ids minus the reserved one");
        assertTrue(
                result.ids().values().stream().allMatch(id -> id >= 1 && id <= 30),
                result.ids().toString());
        assertEquals(result.ids().size(), Set.copyOf(result.ids().values()).size());
        assertFalse(result.ids().containsValue(30), "reserved");
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("no free server id up to max_server_id 30")));
    }

    @Test
    void theIdWordsAreReadFromAndStrippedOutOfServerOptions() {
        assertEquals(OptionalInt.of(12), ServerIds.idInOptions("check id 12 inter 2s"));
        assertEquals(OptionalInt.empty(), ServerIds.idInOptions("check inter 2s"));
        assertEquals("check inter 2s", ServerIds.withoutId("check  id 12 inter 2s"));
        assertEquals("backup", ServerIds.withoutId("backup"));
    }

    @Test
    void registryIdsWinThenRememberedThenTheSmallestFree() {
        Map<String, Integer> ids = assign(
                List.of(backend("a", 0), backend("b", 7), backend("c", 0), backend("d", 0)),
                new ServerIds.Sources(Map.of(), Map.of("c_h:1", 3, "gone_h:1", 1), Set.of()),
                100);
        assertEquals(Map.of("b_h:1", 7, "c_h:1", 3, "a_h:1", 2, "d_h:1", 4), ids);
    }

    @Test
    void aRunningServerKeepsItsIdEvenAgainstTheRegistry() {
        assertEquals(
                Map.of("a_h:1", 1, "b_h:1", 2),
                assign(
                        List.of(backend("a", 0), backend("b", 1)),
                        new ServerIds.Sources(Map.of("a_h:1", 1), Map.of(), Set.of()),
                        100));
    }

    @Test
    void reservedIdsAreNeverHandedOut() {
        assertEquals(
                Map.of("a_h:1", 3),
                assign(List.of(backend("a", 0)), new ServerIds.Sources(Map.of(), Map.of(), Set.of(1, 2)), 100));
    }

    @Test
    void aClashingRegistryIdFallsBackToAFreeOne() {
        assertEquals(
                Map.of("a_h:1", 5, "b_h:1", 1),
                assign(
                        List.of(backend("a", 5), backend("b", 5)),
                        new ServerIds.Sources(Map.of(), Map.of(), Set.of()),
                        100));
    }

    @Test
    void rememberedIdsOfOthersAreReusedOnlyWhenNothingElseIsFree() {
        assertEquals(
                Map.of("a_h:1", 1),
                assign(List.of(backend("a", 0)), new ServerIds.Sources(Map.of(), Map.of("x_h:1", 1), Set.of(2)), 2));
    }

    @Test
    void noIdIsAssignedBeyondTheMaximum() {
        assertEquals(
                Map.of("a_h:1", 1),
                assign(
                        List.of(backend("a", 0), backend("b", 0)),
                        new ServerIds.Sources(Map.of(), Map.of(), Set.of()),
                        1));
    }
}
