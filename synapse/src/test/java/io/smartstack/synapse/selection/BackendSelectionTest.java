package io.smartstack.synapse.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackendSelectionTest {
    private static final Backend A = registry("a", "10.0.0.1", 8080, Map.of("az", "east"));
    private static final Backend B = registry("b", "10.0.0.2", 8080, Map.of("az", "west"));
    private static final Backend C = registry("c", "10.0.0.3", 8080, Map.of("az", "east", "canary", "true"));
    private static final Backend DEFAULT = new Backend(
            "10.9.9.9",
            80,
            "default1",
            OptionalLong.empty(),
            OptionalInt.empty(),
            Optional.empty(),
            Map.of(),
            BackendOrigin.DEFAULT_SERVERS);

    static Backend registry(String name, String host, int port, Map<String, String> labels) {
        return new Backend(
                host,
                port,
                name,
                OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                labels,
                BackendOrigin.REGISTRY);
    }

    static SelectionRules rules(
            List<Backend> defaults, boolean keepDefaults, boolean usePrevious, List<LabelFilter> filters) {
        return new SelectionRules(defaults, keepDefaults, usePrevious, OptionalInt.empty(), filters);
    }

    static final LabelFilter EAST = new LabelFilter("az", "east", LabelFilter.Condition.EQUALS);
    static final LabelFilter NOT_CANARY = new LabelFilter("canary", "true", LabelFilter.Condition.NOT_EQUALS);

    static Stream<Arguments> table() {
        SelectionRules plain = rules(List.of(), false, true, List.of());
        SelectionRules withDefaults = rules(List.of(DEFAULT), false, true, List.of());
        SelectionRules keepDefaults = rules(List.of(DEFAULT), true, true, List.of());
        SelectionRules noPrevious = rules(List.of(), false, false, List.of());
        Backend previousA = A.withOrigin(BackendOrigin.PREVIOUS_BACKENDS);
        Backend previousB = B.withOrigin(BackendOrigin.PREVIOUS_BACKENDS);
        return Stream.of(
                Arguments.of("discovered backends are used", List.of(A, B), List.of(), plain, List.of(A, B)),
                Arguments.of("defaults when nothing found", List.of(), List.of(A), withDefaults, List.of(DEFAULT)),
                Arguments.of(
                        "defaults replaced once backends appear",
                        List.of(A),
                        List.of(DEFAULT),
                        withDefaults,
                        List.of(A)),
                Arguments.of(
                        "previous kept when nothing found",
                        List.of(),
                        List.of(A, B),
                        plain,
                        List.of(previousA, previousB)),
                Arguments.of(
                        "emptied when use_previous_backends is off", List.of(), List.of(A, B), noPrevious, List.of()),
                Arguments.of(
                        "keep_default_servers adds defaults", List.of(A), List.of(), keepDefaults, List.of(A, DEFAULT)),
                Arguments.of(
                        "keep_default_servers alone when nothing found",
                        List.of(),
                        List.of(A),
                        keepDefaults,
                        List.of(DEFAULT)),
                Arguments.of(
                        "duplicates by host, port and name dropped", List.of(A, B, A), List.of(), plain, List.of(A, B)),
                Arguments.of(
                        "same host and port with another name is another backend",
                        List.of(A, registry("other", "10.0.0.1", 8080, Map.of())),
                        List.of(),
                        plain,
                        List.of(A, registry("other", "10.0.0.1", 8080, Map.of()))),
                Arguments.of(
                        "equals filter",
                        List.of(A, B, C),
                        List.of(),
                        rules(List.of(), false, true, List.of(EAST)),
                        List.of(A, C)),
                Arguments.of(
                        "not-equals filter (a missing label passes)",
                        List.of(A, B, C),
                        List.of(),
                        rules(List.of(), false, true, List.of(NOT_CANARY)),
                        List.of(A, B)),
                Arguments.of(
                        "combined filters must all pass",
                        List.of(A, B, C),
                        List.of(),
                        rules(List.of(), false, true, List.of(EAST, NOT_CANARY)),
                        List.of(A)),
                Arguments.of(
                        "filters excluding everything fall back to previous backends",
                        List.of(B),
                        List.of(A),
                        rules(List.of(), false, true, List.of(EAST)),
                        List.of(previousA)),
                Arguments.of(
                        "filters excluding everything fall back to default servers",
                        List.of(B),
                        List.of(A),
                        rules(List.of(DEFAULT), false, true, List.of(EAST)),
                        List.of(DEFAULT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void selects(
            String rule,
            List<Backend> discovered,
            List<Backend> current,
            SelectionRules rules,
            List<Backend> expected) {
        assertEquals(
                expected, BackendSelection.select(discovered, current, rules).backends());
    }

    @Test
    void portOverrideReplacesEveryPortBeforeDeduplication() {
        SelectionRules rules = new SelectionRules(List.of(), false, true, OptionalInt.of(9000), List.of());
        Backend sameHostOtherPort = registry("a", "10.0.0.1", 8081, Map.of("az", "east"));
        Selection selection = BackendSelection.select(List.of(A, sameHostOtherPort), List.of(), rules);
        assertEquals(List.of(A.withPort(9000)), selection.backends());
    }

    @Test
    void identicalInputInAnotherOrderChangesNothing() {
        SelectionRules rules = SelectionRules.defaults();
        Selection first = BackendSelection.select(List.of(A, B), List.of(), rules);
        Selection second = BackendSelection.select(List.of(B, A), first.backends(), rules);
        assertTrue(first.changed());
        assertFalse(second.changed());
        assertSame(first.backends(), second.backends());
    }

    @Test
    void previousBackendsKeptAgainIsNoChange() {
        Selection kept = BackendSelection.select(List.of(), List.of(A), SelectionRules.defaults());
        Selection again = BackendSelection.select(List.of(), kept.backends(), SelectionRules.defaults());
        assertTrue(kept.changed());
        assertEquals(Selection.Reason.PREVIOUS_BACKENDS, again.reason());
        assertFalse(again.changed());
    }

    @Test
    void changedWeightIsAChange() {
        Backend heavier = new Backend(
                A.host(),
                A.port(),
                A.name(),
                A.id(),
                OptionalInt.of(5),
                A.haproxyServerOptions(),
                A.labels(),
                A.origin());
        assertTrue(BackendSelection.select(List.of(heavier), List.of(A), SelectionRules.defaults())
                .changed());
    }
}
