package io.smartstack.synapse.haproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings.ZoneRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code haproxy.zone_routing} and a service's {@code haproxy.zone_routing}: defaults, sources, problems. */
class ZoneRoutingReaderTest {
    private final ConfigProblems problems = new ConfigProblems();

    private ZoneRoutingSettings read(String yaml, Map<String, String> environment) {
        return ZoneRoutingReader.read(
                ConfigDocument.parse(yaml, "test.yaml").root(problems).child("zone_routing"), environment::get);
    }

    private ZoneRule readService(String yaml) {
        return ZoneRoutingReader.readService(
                ConfigDocument.parse(yaml, "test.yaml").root(problems).child("zone_routing"),
                new ZoneRule(true, "az", 2, 20));
    }

    private List<String> problemTexts() {
        return problems.list().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void anAbsentSectionIsOff() {
        ZoneRoutingSettings settings = read("other: 1\n", Map.of("SMARTSTACK_ZONE", "a"));
        assertThat(settings.configured()).isFalse();
        assertThat(settings.active()).isFalse();
    }

    @Test
    void anEmptySectionTakesEveryDefaultAndTheZoneFromSmartstackZone() {
        ZoneRoutingSettings settings = read("zone_routing: {}\n", Map.of("SMARTSTACK_ZONE", " us-east-1a "));
        assertThat(problems.isEmpty()).as("%s", problemTexts()).isTrue();
        assertThat(settings.active()).isTrue();
        assertThat(settings.localZone()).hasValue("us-east-1a");
        assertThat(settings.localZoneSource()).isEqualTo("env SMARTSTACK_ZONE");
        assertThat(settings.rule()).isEqualTo(new ZoneRule(true, "az", 2, 20));
        assertThat(settings.checkInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void localZoneWinsOverTheEnvironmentAndLocalZoneEnvNamesTheVariable() {
        ZoneRoutingSettings configured = read("zone_routing: {local_zone: b}\n", Map.of("SMARTSTACK_ZONE", "a"));
        assertThat(configured.localZone()).hasValue("b");
        assertThat(configured.localZoneSource()).isEqualTo("local_zone");

        ZoneRoutingSettings named = read(
                "zone_routing: {local_zone_env: MY_AZ, check_interval: 2s, label: rack, min_healthy: 0,"
                        + " min_healthy_percent: 100, enabled: false}\n",
                Map.of("SMARTSTACK_ZONE", "a", "MY_AZ", "c"));
        assertThat(problems.isEmpty()).as("%s", problemTexts()).isTrue();
        assertThat(named.localZone()).hasValue("c");
        assertThat(named.localZoneSource()).isEqualTo("env MY_AZ");
        assertThat(named.checkInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(named.rule()).isEqualTo(new ZoneRule(false, "rack", 0, 100));
    }

    @Test
    void noZoneAnywhereLeavesTheSectionConfiguredButInactive() {
        ZoneRoutingSettings settings = read("zone_routing: {local_zone: '  '}\n", Map.of());
        assertThat(problems.isEmpty()).isTrue();
        assertThat(settings.configured()).isTrue();
        assertThat(settings.localZone()).isEmpty();
        assertThat(settings.active()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "zone_routing: {min_healthy_percent: 101} | zone_routing.min_healthy_percent | between 0 and 100, got 101",
                "zone_routing: {min_healthy: -1} | zone_routing.min_healthy | -1",
                "zone_routing: {label: ''} | zone_routing.label | must not be empty",
                "zone_routing: {check_interval: 0} | zone_routing.check_interval | 0",
                "zone_routing: {min_helthy: 1} | zone_routing.min_helthy | min_healthy",
                "zone_routing: us-east-1a | zone_routing | must be a map",
            })
    void aBadValueIsAProblemNamingItsKey(String yaml, String path, String text) {
        read(yaml + "\n", Map.of("SMARTSTACK_ZONE", "a"));
        assertThat(problems.list()).hasSize(1);
        assertThat(problems.list().get(0).path()).isEqualTo(path);
        assertThat(problemTexts().get(0)).contains(text);
    }

    @Test
    void aServiceRuleIsFalseTrueOrAMapOverTheTopLevelOne() {
        assertThat(readService("zone_routing: false\n")).isEqualTo(new ZoneRule(false, "az", 2, 20));
        assertThat(readService("zone_routing: true\n")).isEqualTo(new ZoneRule(true, "az", 2, 20));
        assertThat(readService("zone_routing: {min_healthy: 1, label: rack}\n"))
                .isEqualTo(new ZoneRule(true, "rack", 1, 20));
        assertThat(readService("other: 1\n")).isEqualTo(new ZoneRule(true, "az", 2, 20));
        assertThat(problems.isEmpty()).as("%s", problemTexts()).isTrue();

        readService("zone_routing: {local_zone: a}\n");
        assertThat(problemTexts()).singleElement().asString().contains("local_zone");
        assertThat(problems.list().get(0).path()).isEqualTo("zone_routing.local_zone");
    }
}
