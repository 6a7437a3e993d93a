package io.smartstack.synapse.haproxy.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Latency samples in nanoseconds and their percentiles, printed in milliseconds. */
final class Latencies {
    private final List<Long> samples = new ArrayList<>();

    void add(long nanos) {
        samples.add(nanos);
    }

    int count() {
        return samples.size();
    }

    double percentileMillis(double percentile) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1_000_000.0;
    }

    String summary() {
        return String.format(
                Locale.ROOT,
                "n=%d p50=%.2fms p99=%.2fms max=%.2fms",
                count(),
                percentileMillis(50),
                percentileMillis(99),
                percentileMillis(100));
    }
}
