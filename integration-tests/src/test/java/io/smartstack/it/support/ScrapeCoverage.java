package io.smartstack.it.support;

import io.smartstack.it.support.PromQl.Grouping;
import io.smartstack.it.support.PromQl.Matcher;
import io.smartstack.it.support.PromQl.Query;
import io.smartstack.it.support.PromQl.Selector;
import io.smartstack.it.support.PrometheusText.Sample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a query can find anything in a real scrape: every metric it selects is exported, every
 * label it matches, groups or joins on exists on that metric, every literal {@code =} value and
 * {@code =~} pattern matches at least one exported series. A {@code by}/{@code without} label must
 * exist on some series of the aggregated selectors; an {@code on}/{@code ignoring}/{@code group_*}
 * label on every selector of the enclosing parentheses (both sides of the match). {@code job} and {@code instance} are
 * added by Prometheus at scrape time and {@code up} is Prometheus's own series, so they are always
 * there. Values holding a Grafana variable ({@code $service}) are checked for the label only.
 */
public final class ScrapeCoverage {
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    /** Vector matching: both sides must carry the label, so every selector around it must. */
    private static final Set<String> JOIN_KEYWORDS = Set.of("on", "ignoring", "group_left", "group_right");

    private final List<Sample> samples;

    public ScrapeCoverage(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** Every problem of {@code query}, each a sentence naming the query; empty when it is covered. */
    public List<String> problems(String where, Query query) {
        List<String> problems = new ArrayList<>();
        for (Selector selector : query.selectors()) {
            if (PROMETHEUS_SERIES.contains(selector.metric())) {
                continue;
            }
            List<Sample> series = series(selector.metric());
            if (series.isEmpty()) {
                problems.add(where + ": metric " + selector.metric() + " is not exported; in: " + query.expression());
                continue;
            }
            for (Matcher matcher : selector.matchers()) {
                problems.addAll(matcherProblems(where, query, selector, matcher, series));
            }
        }
        for (Grouping grouping : query.groupings()) {
            boolean join = JOIN_KEYWORDS.contains(grouping.keyword());
            for (String label : grouping.labels()) {
                boolean missing = join
                        ? grouping.scope().stream().anyMatch(selector -> !labelsOf(List.of(selector))
                                .contains(label))
                        : !labelsOf(grouping.scope()).contains(label);
                if (missing) {
                    problems.add(where + ": " + grouping.keyword() + " (" + label + "): " + (join ? "not every" : "no")
                            + " series of " + metrics(grouping.scope()) + " has label " + label + "; in: "
                            + query.expression());
                }
            }
        }
        return problems;
    }

    public int size() {
        return samples.size();
    }

    /** The labels the series of {@code selectors} carry (plus the target labels). */
    public Set<String> labelsOf(List<Selector> selectors) {
        Set<String> labels = new HashSet<>(TARGET_LABELS);
        for (Selector selector : selectors) {
            series(selector.metric())
                    .forEach(sample -> labels.addAll(sample.labels().keySet()));
        }
        return labels;
    }

    private List<String> matcherProblems(
            String where, Query query, Selector selector, Matcher matcher, List<Sample> series) {
        String label = matcher.label();
        if (TARGET_LABELS.contains(label)) {
            return List.of();
        }
        String prefix =
                where + ": " + selector.metric() + "{" + label + matcher.operator() + "\"" + matcher.value() + "\"}: ";
        List<String> values = series.stream()
                .filter(sample -> sample.labels().containsKey(label))
                .map(sample -> sample.labels().get(label))
                .distinct()
                .toList();
        if (values.isEmpty()) {
            return List.of(prefix + "no series has label " + label + "; in: " + query.expression());
        }
        if (matcher.value().contains("$")) {
            return List.of();
        }
        boolean found =
                switch (matcher.operator()) {
                    case "=" -> values.contains(matcher.value());
                    case "=~" ->
                        values.stream().anyMatch(compile(matcher.value()).asMatchPredicate());
                    case "!=" -> values.stream().anyMatch(value -> !value.equals(matcher.value()));
                    default ->
                        values.stream()
                                .anyMatch(compile(matcher.value())
                                        .asMatchPredicate()
                                        .negate());
                };
        return found
                ? List.of()
                : List.of(prefix + "matches no exported series (values: " + values + "); in: " + query.expression());
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regular expression " + regex, e);
        }
    }

    private List<Sample> series(String metric) {
        return samples.stream().filter(sample -> sample.name().equals(metric)).toList();
    }

    private static List<String> metrics(List<Selector> selectors) {
        return selectors.stream().map(Selector::metric).distinct().toList();
    }
}
