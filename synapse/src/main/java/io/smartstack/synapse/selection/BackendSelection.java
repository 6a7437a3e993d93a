package io.smartstack.synapse.selection;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what discovery found into the backends a service routes to, with the original Synapse's rules
 * (reference section 2.3), in this order:
 *
 * <ol>
 *   <li>with {@code keep_default_servers}, the default servers are added to the discovered ones;
 *   <li>{@code backend_port_override} replaces every port;
 *   <li>duplicates by (host, port, name) are dropped, the first one kept;
 *   <li>{@code label_filters} drop the backends that fail any filter (before the empty rule, unlike the
 *       original, so filters that exclude everything cannot empty a service that has a fallback);
 *   <li>a result equal to the current list (order ignored) changes nothing;
 *   <li>an empty result falls back to the default servers; without any, with {@code
 *       use_previous_backends} the current list is kept (marked {@code PREVIOUS_BACKENDS}); otherwise the
 *       service is emptied.
 * </ol>
 *
 * Pure: no clock, no I/O.
 */
public final class BackendSelection {
    private BackendSelection() {}

    /**
     * @param discovered what discovery reports now (origin {@code REGISTRY})
     * @param current what the service routes to now (the previous result)
     */
    public static Selection select(List<Backend> discovered, List<Backend> current, SelectionRules rules) {
        List<Backend> candidates = new ArrayList<>(discovered);
        if (rules.keepDefaultServers()) {
            candidates.addAll(rules.defaultServers());
        }
        Map<Backend.BackendKey, Backend> unique = new LinkedHashMap<>();
        for (Backend backend : candidates) {
            Backend withPort = rules.backendPortOverride().isPresent()
                    ? backend.withPort(rules.backendPortOverride().getAsInt())
                    : backend;
            if (rules.labelFilters().stream().allMatch(filter -> filter.passes(withPort))) {
                unique.putIfAbsent(withPort.key(), withPort);
            }
        }
        List<Backend> selected = List.copyOf(unique.values());
        if (selected.isEmpty()) {
            return whenNothingFound(current, rules);
        }
        return result(selected, current, Selection.Reason.DISCOVERED);
    }

    private static Selection whenNothingFound(List<Backend> current, SelectionRules rules) {
        if (!rules.defaultServers().isEmpty()) {
            return result(rules.defaultServers(), current, Selection.Reason.DEFAULT_SERVERS);
        }
        if (rules.usePreviousBackends()) {
            List<Backend> kept = current.stream()
                    .map(backend -> backend.withOrigin(BackendOrigin.PREVIOUS_BACKENDS))
                    .toList();
            return result(kept, current, Selection.Reason.PREVIOUS_BACKENDS);
        }
        return result(List.of(), current, Selection.Reason.EMPTY);
    }

    private static Selection result(List<Backend> selected, List<Backend> current, Selection.Reason reason) {
        boolean changed = !new HashSet<>(selected).equals(new HashSet<>(current));
        return new Selection(changed ? selected : current, changed, reason);
    }
}
