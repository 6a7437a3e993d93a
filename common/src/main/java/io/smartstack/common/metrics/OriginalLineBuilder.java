package io.smartstack.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import io.micrometer.statsd.StatsdLineBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * DogStatsD lines as the originals' client (the {@code dogstatsd-ruby} gem) writes them:
 * {@code name:value|type|#key:value,...}, with only the meter's own tags (no {@code statistic} tag) and
 * whole numbers without a fraction.
 */
final class OriginalLineBuilder implements StatsdLineBuilder {
    private final String name;
    private final String tags;

    OriginalLineBuilder(Meter.Id id) {
        this.name = id.getName();
        List<String> pairs = new ArrayList<>();
        for (Tag tag : id.getTagsAsIterable()) {
            pairs.add(tag.getKey() + ":" + tag.getValue());
        }
        this.tags = pairs.isEmpty() ? "" : "|#" + String.join(",", pairs);
    }

    @Override
    public String count(long amount, Statistic stat) {
        return name + ":" + amount + "|c" + tags;
    }

    @Override
    public String gauge(double amount, Statistic stat) {
        return name + ":" + number(amount) + "|g" + tags;
    }

    @Override
    public String histogram(double amount) {
        return name + ":" + number(amount) + "|h" + tags;
    }

    @Override
    public String timing(double timeMs) {
        return name + ":" + number(timeMs) + "|ms" + tags;
    }

    private static String number(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value)
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
