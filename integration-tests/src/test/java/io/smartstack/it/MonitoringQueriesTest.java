package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smartstack.it.support.Launchers;
import io.smartstack.it.support.PromQl;
import io.smartstack.it.support.PrometheusText;
import io.smartstack.it.support.ScrapeCoverage;
import io.smartstack.it.support.Stack;
import io.smartstack.it.support.Stack.NerveTiming;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.it.support.Traffic;
import io.smartstack.it.support.WebStack;
import io.smartstack.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus alert rules and Grafana dashboard (docs/monitoring/) ask only for what the
 * daemons really export: a real stack (ZooKeeper, a demo service with its Nerve, Synapse with a
 * managed HAProxy that has served requests and reloaded once) is scraped on Nerve's, Synapse's and
 * HAProxy's /metrics, and every query's selectors, label matchers and grouping labels are checked
 * against that scrape.
 */
class MonitoringQueriesTest {
    private static final Duration ROUTED = Duration.ofSeconds(60);
    private static final Pattern ANNOTATION_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

    @TempDir
    static Path temp;

    private static Stack stack;
    private static ScrapeCoverage scrape;

    @BeforeAll
    static void scrapeARealStack() throws Exception {
        stack = Stack.in(temp);
        stack.startZooKeeper();
        WebStack web = new WebStack(stack);
        SynapseProcess synapse = web.startSynapse("check inter 300ms fall 1 rise 1");
        WebStack.Instance instance = web.addInstance("web-1", NerveTiming.FAST);
        web.awaitAnswering(ROUTED, "web-1");
        assertThat(Traffic.spread(web.url(), 10)).containsOnlyKeys("web-1");
        reloadForANewService(synapse);

        List<PrometheusText.Sample> samples = new ArrayList<>();
        await().atMost(ROUTED).untilAsserted(() -> {
            PrometheusText.Document document = PrometheusText.parse(synapse.metricsText());
            assertThat(document.sum("synapse_haproxy_servers", Map.of("service", "web", "state", "up")))
                    .isEqualTo(1);
        });
        samples.addAll(PrometheusText.parse(synapse.metricsText()).samples());
        samples.addAll(scraped(instance.nerve().adminUrl() + "/metrics").samples());
        samples.addAll(scraped(synapse.haproxyStatsUrl() + "metrics").samples());
        scrape = new ScrapeCoverage(samples);
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAlertRuleFindsItsMetricsAndLabelsInARealScrape() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory())
                .readTree(monitoring("alerts.yml").toFile());
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertThat(rule.path("expr").asText()).as(name + " expr").isNotBlank();
                PromQl.Query query = PromQl.parse(rule.path("expr").asText());
                problems.addAll(scrape.problems("alert " + name, query));
                problems.addAll(annotationProblems(name, rule.path("annotations"), query));
                checked++;
            }
        }

        System.out.println("checked " + checked + " alert rules against " + scrape.size() + " scraped series");
        assertThat(checked).as("alert rules checked").isGreaterThanOrEqualTo(15);
        assertThat(problems).as("queries that would find nothing").isEmpty();
    }

    @Test
    void everyDashboardQueryAndVariableFindsItsMetricsAndLabelsInARealScrape() throws Exception {
        JsonNode dashboard =
                new ObjectMapper().readTree(monitoring("dashboard.json").toFile());
        Map<String, String> targets = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                targets.put(
                        panel.path("title").asText() + " "
                                + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        List<String> problems = new ArrayList<>();
        targets.forEach((where, expr) -> problems.addAll(scrape.problems("panel " + where, PromQl.parse(expr))));
        int variables = 0;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                String query = variable.path("query").path("query").asText();
                problems.addAll(scrape.problems(
                        "variable " + variable.path("name").asText(), PromQl.parseVariableQuery(query)));
                variables++;
            }
        }

        System.out.println("checked " + targets.size() + " panel queries and " + variables + " variables against "
                + scrape.size() + " scraped series");
        assertThat(targets).as("panel queries checked").hasSizeGreaterThanOrEqualTo(20);
        assertThat(variables).isEqualTo(2);
        assertThat(problems).as("queries that would find nothing").isEmpty();
    }

    @Test
    void misspelledMetricsLabelsAndValuesAreReportedAgainstTheSameScrape() {
        Map<String, String> broken = Map.of(
                "nerve_service_upp == 0", "metric nerve_service_upp is not exported",
                "sum by (servce) (nerve_service_up)", "no series of [nerve_service_up] has label servce",
                "rate(nerve_check_results_total{outcome=\"failed\"}[5m])", "matches no exported series",
                "synapse_backends{origin=~\"registri\"}", "matches no exported series",
                "synapse_haproxy_servers{status=\"up\"}", "no series has label status",
                "haproxy_backend_http_responses_total{code=\"5xx\"} and on (service) synapse_backends",
                        "not every series of [haproxy_backend_http_responses_total, synapse_backends] has label service");
        broken.forEach((expression, problem) -> assertThat(scrape.problems("test", PromQl.parse(expression)))
                .as(expression)
                .singleElement()
                .asString()
                .contains(problem));
    }

    private static List<String> annotationProblems(String alert, JsonNode annotations, PromQl.Query query) {
        List<String> problems = new ArrayList<>();
        var labels = scrape.labelsOf(query.selectors());
        annotations.forEach(annotation -> {
            Matcher matcher = ANNOTATION_LABEL.matcher(annotation.asText());
            while (matcher.find()) {
                if (!labels.contains(matcher.group(1))) {
                    problems.add("alert " + alert + ": annotation uses $labels." + matcher.group(1)
                            + " but no series of the expression has it");
                }
            }
        });
        return problems;
    }

    private static void reloadForANewService(SynapseProcess synapse) throws Exception {
        String config = Files.readString(synapse.config());
        Files.writeString(
                synapse.config(),
                config.replace(
                        "services:\n",
                        "services:\n  api:\n    discovery: " + stack.discovery("api") + "\n    haproxy: {port: "
                                + FreePorts.next() + ", bind_address: 127.0.0.1}\n"));
        synapse.hangUp();
        await().atMost(ROUTED)
                .until(() -> synapse.haproxyStatus().path("reloads").asInt() == 1);
    }

    private static PrometheusText.Document scraped(String url) {
        Traffic.Answer answer = Traffic.get(url);
        assertThat(answer.status()).as("GET " + url).isEqualTo(200);
        return PrometheusText.parse(answer.body());
    }

    private static Path monitoring(String file) {
        return Launchers.root().resolve("docs/monitoring").resolve(file);
    }
}
