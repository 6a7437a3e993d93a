package io.smartstack.synapse.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.RememberedIds;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.DesiredState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server ids the models keep from one pass to the next. */
class DesiredModelsTest {
    private static final String SETTINGS = "haproxy:\n  reload_command: 'true'\n  do_socket: false\n"
            + "  global: []\n  defaults: []\n  stats_port: null\n";
    private static final JsonNode WEB = Fixtures.root("{port: 3000}").raw();

    private static Backend server(int n) {
        return Fixtures.backend("s" + n, "10.0.0." + (n % 250 + 1), 8000 + n);
    }

    private static DesiredState web(List<Backend> backends) {
        return DesiredState.of(List.of(Fixtures.service("web", backends, WEB)));
    }

    private static Map<String, Integer> ids(HaproxyModel model) {
        Map<String, Integer> ids = new HashMap<>();
        for (ServerModel server : model.services().get(0).servers()) {
            ids.put(server.name(), server.id());
        }
        return ids;
    }

    /** A whole pass, and a pass over the service alone (against an HAProxy that runs none of its servers). */
    private static Map<String, Integer> pass(DesiredModels models, List<Backend> backends, boolean wholePass) {
        DesiredState desired = web(backends);
        if (wholePass) {
            return ids(models.build(desired, Optional.empty()));
        }
        RuntimeState none = RuntimeState.of(Set.of("web"), List.of(), Map.of());
        Map<String, Integer> ids = new HashMap<>();
        models.buildServices(desired, List.of("web"), none)
                .get("web")
                .servers()
                .forEach(server -> ids.put(server.name(), server.id()));
        return ids;
    }

    @Test
    void aServerThatComesBackGetsItsIdAndANewOneDoesNotTakeIt() {
        for (boolean wholePass : new boolean[] {true, false}) {
            DesiredModels models = new DesiredModels(Fixtures.settings(SETTINGS));
            Map<String, Integer> first = pass(models, List.of(server(1), server(2)), wholePass);
            pass(models, List.of(server(2)), wholePass);
            Map<String, Integer> later = pass(models, List.of(server(2), server(3)), wholePass);
            Map<String, Integer> back = pass(models, List.of(server(1), server(2), server(3)), wholePass);
            String one = server(1).serverName();
            String three = server(3).serverName();
            assertNotEquals(
                    first.get(one), later.get(three), "the new server took the id of the one that was gone: " + later);
            assertEquals(first.get(one), back.get(one), "the server that came back: " + back);
        }
    }

    @Test
    void idsOfServersGoneLongAgoAreForgottenSoIdsStayLowUnderChurn() {
        for (boolean wholePass : new boolean[] {true, false}) {
            DesiredModels models = new DesiredModels(Fixtures.settings(SETTINGS));
            // 3,000 servers, each alone in the backend for one pass: a deploy after deploy under new names
            List<Integer> ids = new ArrayList<>();
            for (int n = 0; n < 3_000; n++) {
                ids.add(pass(models, List.of(server(n)), wholePass)
                        .get(server(n).serverName()));
            }
            int highest = ids.stream().mapToInt(Integer::intValue).max().orElseThrow();
            // remembered when the next one comes: the server of the last pass and the 256 gone before it
            assertTrue(
                    highest <= RememberedIds.GONE + 2,
                    "ids keep climbing with every name the backend ever had: highest " + highest);
            // one of the last servers gone comes back: its id is still remembered
            int recent = 3_000 - RememberedIds.GONE / 2;
            Map<String, Integer> back = pass(models, List.of(server(recent)), wholePass);
            assertEquals(ids.get(recent), back.get(server(recent).serverName()), "pass " + wholePass);
        }
    }
}
