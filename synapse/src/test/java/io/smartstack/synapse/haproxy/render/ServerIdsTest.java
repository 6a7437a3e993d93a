package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void registryIdsWinThenRememberedThenTheSmallestFree() {
        Map<String, Integer> ids = ServerIds.assign(
                List.of(backend("a", 0), backend("b", 7), backend("c", 0), backend("d", 0)),
                new ServerIds.Sources(Map.of(), Map.of("c_h:1", 3, "gone_h:1", 1), Set.of()),
                100);
        assertEquals(Map.of("b_h:1", 7, "c_h:1", 3, "a_h:1", 2, "d_h:1", 4), ids);
    }

    @Test
    void aRunningServerKeepsItsIdEvenAgainstTheRegistry() {
        assertEquals(
                Map.of("a_h:1", 1, "b_h:1", 2),
                ServerIds.assign(
                        List.of(backend("a", 0), backend("b", 1)),
                        new ServerIds.Sources(Map.of("a_h:1", 1), Map.of(), Set.of()),
                        100));
    }

    @Test
    void reservedIdsAreNeverHandedOut() {
        assertEquals(
                Map.of("a_h:1", 3),
                ServerIds.assign(
                        List.of(backend("a", 0)), new ServerIds.Sources(Map.of(), Map.of(), Set.of(1, 2)), 100));
    }

    @Test
    void aClashingRegistryIdFallsBackToAFreeOne() {
        assertEquals(
                Map.of("a_h:1", 5, "b_h:1", 1),
                ServerIds.assign(
                        List.of(backend("a", 5), backend("b", 5)),
                        new ServerIds.Sources(Map.of(), Map.of(), Set.of()),
                        100));
    }

    @Test
    void rememberedIdsOfOthersAreReusedOnlyWhenNothingElseIsFree() {
        assertEquals(
                Map.of("a_h:1", 1),
                ServerIds.assign(
                        List.of(backend("a", 0)), new ServerIds.Sources(Map.of(), Map.of("x_h:1", 1), Set.of(2)), 2));
    }

    @Test
    void noIdIsAssignedBeyondTheMaximum() {
        assertEquals(
                Map.of("a_h:1", 1),
                ServerIds.assign(
                        List.of(backend("a", 0), backend("b", 0)),
                        new ServerIds.Sources(Map.of(), Map.of(), Set.of()),
                        1));
    }
}
