package io.smartstack.synapse.haproxy.zone;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings.ZoneRule;
import io.smartstack.synapse.haproxy.zone.ZonePolicy.Member;
import io.smartstack.synapse.haproxy.zone.ZonePolicy.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZonePolicyTest {
    /** Members written as zone:healthy pairs, e.g. "a+ a- b+" (a healthy, a down, b healthy); "?" has no label. */
    private static List<Member> members(String text) {
        List<Member> members = new ArrayList<>();
        int i = 0;
        for (String word : text.trim().split("\\s+")) {
            String zone = word.substring(0, word.length() - 1);
            members.add(
                    new Member("s" + i++, zone.equals("?") ? Optional.empty() : Optional.of(zone), word.endsWith("+")));
        }
        return members;
    }

    @ParameterizedTest(name = "{0} with min_healthy {1}, min_healthy_percent {2}: {3}")
    @CsvSource({
        "'a+ a+ b+ b+', 2, 20, LOCAL",
        "'a+ a- b+ b+', 2, 20, SPILL_OVER",
        "'a+ b+ b+ b+ b+ b+', 1, 20, SPILL_OVER",
        "'a+ b+ b+ b+ b+', 1, 20, LOCAL",
        "'a- a- b+ b+', 1, 0, SPILL_OVER",
        "'a- a- b- b-', 1, 0, SPILL_OVER",
        "'b+ ?+', 1, 0, SPILL_OVER",
        "'a+ ?+', 1, 50, LOCAL",
        "'a+ a+ a+', 3, 100, LOCAL",
    })
    void staysInTheLocalZoneOnlyWhileItHasEnoughHealthyServers(String servers, int min, int percent, Mode expected) {
        var decision = ZonePolicy.decide("a", new ZoneRule(true, "az", min, percent), members(servers));
        assertThat(decision.mode()).isEqualTo(expected);
        assertThat(decision.reason()).contains("zone a");
    }
}
