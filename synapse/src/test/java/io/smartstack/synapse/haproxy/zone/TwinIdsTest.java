package io.smartstack.synapse.haproxy.zone;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeServer;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.model.BackendOrigin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ids of backup twins: never one HAProxy already has for another server, stable across passes. */
class TwinIdsTest {
    private static ServiceModel service(int... ids) {
        List<ServerModel> servers = new ArrayList<>();
        for (int id : ids) {
            servers.add(new ServerModel(
                    "s" + id,
                    "127.0.0.1",
                    1000 + id,
                    id,
                    Optional.empty(),
                    "",
                    OptionalInt.empty(),
                    false,
                    BackendOrigin.REGISTRY));
        }
        return new ServiceModel("web", Optional.empty(), "web", List.of(), servers, true);
    }

    /** Running servers given as {@code name, id} pairs. */
    private static Optional<RuntimeState> running(Object... nameIdPairs) {
        List<RuntimeServer> servers = new ArrayList<>();
        for (int i = 0; i < nameIdPairs.length; i += 2) {
            servers.add(new RuntimeServer(
                    "web", (Integer) nameIdPairs[i + 1], (String) nameIdPairs[i], "127.0.0.1", 1, 2, 0, 1));
        }
        return Optional.of(RuntimeState.of(Set.of("web"), servers, Map.of()));
    }

    @Test
    void aNewTwinTakesTheSmallestIdNoServerOfTheModelOrOfHaproxyHolds() {
        TwinIds ids = new TwinIds(service(1, 2, 4), running("s1", 1, "leaving", 3), new HashMap<>());
        assertThat(ids.next("s1_zone_backup")).hasValue(5);
        assertThat(ids.next("s2_zone_backup")).as("never twice the same").hasValue(6);
    }

    @Test
    void aRunningTwinKeepsItsId() {
        TwinIds ids = new TwinIds(service(1, 2), running("s1", 1, "s2", 2, "s2_zone_backup", 9), new HashMap<>());
        assertThat(ids.next("s2_zone_backup")).hasValue(9);
        assertThat(ids.next("s1_zone_backup"))
                .as("9 is taken by the running twin")
                .hasValue(3);
    }

    @Test
    void aRunningTwinWhoseIdAServerNowRunsWithGetsANewOne() {
        TwinIds ids = new TwinIds(service(1, 2), running("s1", 1, "s2", 2, "s2_zone_backup", 2), new HashMap<>());
        assertThat(ids.next("s2_zone_backup")).hasValue(3);
    }

    @Test
    void aTwinGetsItsRememberedIdBackWhenItIsStillFree() {
        Map<String, Integer> remembered = new HashMap<>();
        TwinIds first = new TwinIds(service(1, 2), Optional.empty(), remembered);
        assertThat(first.next("s2_zone_backup")).hasValue(3);
        assertThat(first.next("s1_zone_backup")).hasValue(4);

        TwinIds again = new TwinIds(service(1, 2), Optional.empty(), remembered);
        assertThat(again.next("s1_zone_backup")).hasValue(4);
        assertThat(again.next("s2_zone_backup")).hasValue(3);

        TwinIds taken = new TwinIds(service(1, 2, 4), Optional.empty(), remembered);
        assertThat(taken.next("s2_zone_backup")).hasValue(3);
        assertThat(taken.next("s1_zone_backup")).as("4 is a server's now").hasValue(5);
    }

    @Test
    void noIdIsLeftWhenEveryOneIsTaken() {
        int[] all = new int[65535];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        assertThat(new TwinIds(service(all), Optional.empty(), new HashMap<>()).next("s1_zone_backup"))
                .isEmpty();
    }
}
