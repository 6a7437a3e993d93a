package io.smartstack.synapse.haproxy.zone;

import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings.ZoneRule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, for one service, whether its traffic stays in the local zone (pure). The local zone is kept
 * while it has at least {@code min_healthy} healthy servers and at least {@code min_healthy_percent}
 * percent of the service's healthy servers; otherwise traffic spills over to every zone. With no healthy
 * server anywhere, every zone is used (nothing is gained by holding the others back).
 */
public final class ZonePolicy {
    private ZonePolicy() {}

    /**
     * One server as the policy sees it.
     *
     * @param zone its zone label, empty when the registration has none (another zone, never the local one)
     * @param healthy whether it can take traffic now, in HAProxy's view
     */
    public record Member(String server, Optional<String> zone, boolean healthy) {
        public Member {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(zone, "zone");
        }
    }

    public enum Mode {
        /** Only the local zone's servers take traffic; the others wait as backups. */
        LOCAL,
        /** Every zone's servers take traffic. */
        SPILL_OVER
    }

    /**
     * @param localHealthy healthy servers in the local zone
     * @param localTotal servers in the local zone
     * @param healthy healthy servers in every zone
     * @param total servers in every zone
     * @param reason why, as a sentence for the log and the status page
     */
    public record Decision(Mode mode, int localHealthy, int localTotal, int healthy, int total, String reason) {}

    public static Decision decide(String localZone, ZoneRule rule, List<Member> members) {
        int localHealthy = 0;
        int localTotal = 0;
        int healthy = 0;
        for (Member member : members) {
            boolean local = member.zone().filter(localZone::equals).isPresent();
            if (local) {
                localTotal++;
            }
            if (member.healthy()) {
                healthy++;
                if (local) {
                    localHealthy++;
                }
            }
        }
        String counts = localHealthy + " of " + localTotal + " servers in zone " + localZone + " healthy, " + healthy
                + " of " + members.size() + " in all zones";
        if (healthy == 0) {
            return new Decision(
                    Mode.SPILL_OVER,
                    localHealthy,
                    localTotal,
                    healthy,
                    members.size(),
                    counts + ": no healthy server anywhere, every zone is used");
        }
        if (localHealthy < rule.minHealthy()) {
            return new Decision(
                    Mode.SPILL_OVER,
                    localHealthy,
                    localTotal,
                    healthy,
                    members.size(),
                    counts + ": fewer than min_healthy " + rule.minHealthy() + ", spilling over to every zone");
        }
        if ((long) localHealthy * 100 < (long) rule.minHealthyPercent() * healthy) {
            return new Decision(
                    Mode.SPILL_OVER,
                    localHealthy,
                    localTotal,
                    healthy,
                    members.size(),
                    counts + ": less than min_healthy_percent " + rule.minHealthyPercent()
                            + "%, spilling over to every zone");
        }
        return new Decision(
                Mode.LOCAL,
                localHealthy,
                localTotal,
                healthy,
                members.size(),
                counts + ": traffic stays in zone " + localZone);
    }
}
