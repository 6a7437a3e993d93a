package io.smartstack.it.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A load client's counters: answered and failed requests, answers per backend, the first failures. */
record LoadFigures(long ok, long failed, Map<String, Long> byBackend, List<String> failures) {
    static LoadFigures of(JsonNode json) {
        Map<String, Long> byBackend = new TreeMap<>();
        json.path("by_backend")
                .fields()
                .forEachRemaining(e -> byBackend.put(e.getKey(), e.getValue().asLong()));
        List<String> failures = new ArrayList<>();
        json.path("failures").forEach(f -> failures.add(f.asText()));
        return new LoadFigures(json.path("ok").asLong(), json.path("failed").asLong(), byBackend, failures);
    }

    LoadFigures plus(LoadFigures other) {
        Map<String, Long> merged = new TreeMap<>(byBackend);
        other.byBackend.forEach((k, v) -> merged.merge(k, v, Long::sum));
        List<String> allFailures = new ArrayList<>(failures);
        allFailures.addAll(other.failures);
        return new LoadFigures(ok + other.ok, failed + other.failed, merged, allFailures);
    }

    long requests() {
        return ok + failed;
    }
}
