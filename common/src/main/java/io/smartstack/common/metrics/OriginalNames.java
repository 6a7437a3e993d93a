package io.smartstack.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A table from this project's meters to the metric names and tags the original (Ruby) daemons send to
 * statsd, so dashboards built on the originals keep working. As a {@link MeterFilter} it renames the
 * meters the table names and denies every other one: with {@code metric_names: original} a statsd
 * receiver sees only the originals' names. Not every original metric has a counterpart; the tables in
 * the daemons list which do.
 */
public final class OriginalNames {
    private final List<Rename> renames;

    /**
     * One meter's counterpart.
     *
     * @param ours this project's meter name
     * @param when tags the meter must have (key to value) for this rule to apply; empty: any
     * @param original the original's metric name
     * @param tagKeys our tag key to the original's tag key; tags not listed are dropped
     * @param tagValues our tag key to (our value to the original's value); values not listed are kept
     * @param fixedTags tags the original sends that we add as they are
     */
    public record Rename(
            String ours,
            Map<String, String> when,
            String original,
            Map<String, String> tagKeys,
            Map<String, Map<String, String>> tagValues,
            Map<String, String> fixedTags) {
        public Rename {
            Objects.requireNonNull(ours, "ours");
            Objects.requireNonNull(original, "original");
            when = Map.copyOf(when);
            tagKeys = Map.copyOf(tagKeys);
            tagValues = Map.copyOf(tagValues);
            fixedTags = Map.copyOf(fixedTags);
        }

        /** A meter renamed, its tags renamed as listed and the others dropped. */
        public static Rename of(String ours, String original, Map<String, String> tagKeys) {
            return new Rename(ours, Map.of(), original, tagKeys, Map.of(), Map.of());
        }

        public Rename when(Map<String, String> tags) {
            return new Rename(ours, tags, original, tagKeys, tagValues, fixedTags);
        }

        public Rename values(Map<String, Map<String, String>> values) {
            return new Rename(ours, when, original, tagKeys, values, fixedTags);
        }

        public Rename fixed(Map<String, String> tags) {
            return new Rename(ours, when, original, tagKeys, tagValues, tags);
        }

        boolean matches(Meter.Id id) {
            return id.getName().equals(ours)
                    && when.entrySet().stream().allMatch(e -> e.getValue().equals(id.getTag(e.getKey())));
        }

        Meter.Id apply(Meter.Id id) {
            List<Tag> tags = new ArrayList<>();
            for (Tag tag : id.getTagsAsIterable()) {
                String key = tagKeys.get(tag.getKey());
                if (key != null) {
                    String value =
                            tagValues.getOrDefault(tag.getKey(), Map.of()).getOrDefault(tag.getValue(), tag.getValue());
                    tags.add(Tag.of(key, value));
                }
            }
            fixedTags.forEach((key, value) -> tags.add(Tag.of(key, value)));
            return id.withName(original).replaceTags(tags);
        }
    }

    public OriginalNames(List<Rename> renames) {
        this.renames = List.copyOf(renames);
    }

    /** The original's id of a meter, or empty when the original has no counterpart. */
    public Optional<Meter.Id> originalOf(Meter.Id id) {
        return renames.stream().filter(r -> r.matches(id)).findFirst().map(r -> r.apply(id));
    }

    public List<Rename> renames() {
        return renames;
    }

    /** Renames the meters with a counterpart and denies the rest (the ids a registry registers are mapped first). */
    public MeterFilter filter() {
        Set<String> originals = renames.stream().map(Rename::original).collect(Collectors.toSet());
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return originalOf(id).orElse(id);
            }

            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return originals.contains(id.getName()) ? MeterFilterReply.ACCEPT : MeterFilterReply.DENY;
            }
        };
    }
}
