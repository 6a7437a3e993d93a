package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smartstack.it.support.PromQl;
import io.smartstack.it.support.PromQl.Grouping;
import io.smartstack.it.support.PromQl.Matcher;
import io.smartstack.it.support.PromQl.Query;
import io.smartstack.it.support.PromQl.Selector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The PromQL reader behind MonitoringQueriesTest finds every selector and grouping label, and only those. */
class PromQlTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            up                                                                   | up
            nerve_service_up == 0                                                | nerve_service_up
            rate(nerve_check_results_total[5m])                                  | nerve_check_results_total
            sum by (service) (rate(a_total[$__rate_interval])) / sum(rate(b_total[5m])) | a_total,b_total
            histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))           | x_bucket
            max_over_time(deriv(g[1h:1m])[10m:]) offset -5m                       | g
            {__name__="by_name", job="j"}                                        | by_name
            a and on (service) b unless ignoring (origin) c                      | a,b,c
            sum without (instance) (avg_over_time(Inf_gauge[5m])) > Inf           | Inf_gauge
            count(sum by (instance) (rate(c:recorded:rate5m[5m] @ 1609746000)))   | c:recorded:rate5m
            """)
    void findsEverySelectorAndNothingElse(String expression, String metrics) {
        Query query = PromQl.parse(expression);

        assertThat(query.selectors()).extracting(Selector::metric).containsExactly(metrics.split(","));
    }

    @Test
    void readsMatchersWithEveryOperatorAndEscapedQuotes() {
        Query query = PromQl.parse(
                "m{service=~\"$service\", outcome=\"fail\", code!='5xx', path!~`/a\\\\b`, note=\"a \\\"q\\\" b\"}");

        assertThat(query.selectors().get(0).matchers())
                .containsExactly(
                        new Matcher("service", "=~", "$service"),
                        new Matcher("outcome", "=", "fail"),
                        new Matcher("code", "!=", "5xx"),
                        new Matcher("path", "!~", "/a\\\\b"),
                        new Matcher("note", "=", "a \"q\" b"));
    }

    @Test
    void groupingLabelsApplyToTheAggregatedArgumentOnEitherSide() {
        Query query = PromQl.parse("sum by (service, check) (rate(a[5m])) / on (service) group_left sum(b) by (zone)");

        assertThat(query.groupings())
                .extracting(Grouping::keyword, Grouping::labels, grouping -> metrics(grouping.scope()))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("by", List.of("service", "check"), List.of("a")),
                        org.assertj.core.groups.Tuple.tuple("by", List.of("zone"), List.of("b")),
                        org.assertj.core.groups.Tuple.tuple("on", List.of("service"), List.of("a", "b")));
    }

    @Test
    void grafanaLabelValuesNamesALabelOfItsSelector() {
        Query query = PromQl.parseVariableQuery("label_values(nerve_service_up{instance=~\"$instance\"}, service)");

        assertThat(metrics(query.selectors())).containsExactly("nerve_service_up");
        assertThat(query.groupings()).extracting(Grouping::labels).containsExactly(List.of("service"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sum(rate(a[5m])",
                "a{service=\"web\"",
                "a{service=web}",
                "a{service~\"web\"}",
                "a{service=\"web}",
                "sum by service (a)",
                "a) + b",
                "rate([5m])",
                "1 + 2",
            })
    void refusesWhatItCannotRead(String expression) {
        assertThatThrownBy(() -> PromQl.parse(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expression);
    }

    private static List<String> metrics(List<Selector> selectors) {
        return selectors.stream().map(Selector::metric).toList();
    }
}
