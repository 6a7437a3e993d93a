package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.ZoneRoutingSettings;
import io.smartstack.synapse.haproxy.zone.ZonePolicy.Decision;
import io.smartstack.synapse.haproxy.zone.ZoneRouting;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code zone} entry of each service in the generator's status: the decision (local, spill_over,
 * or off and why), the counts it was made from and the local zone with its source.
 */
final class ZoneStatus {
    private ZoneStatus() {}

    @SuppressWarnings("unchecked")
    static void addTo(Map<String, Object> services, ZoneRouting zones) {
        ZoneRoutingSettings settings = zones.settings();
        if (!settings.configured()) {
            return;
        }
        services.forEach((service, view) -> {
            Map<String, Object> zone = new LinkedHashMap<>();
            zone.put("local_zone", settings.localZone().orElse(null));
            zone.put("local_zone_source", settings.localZoneSource());
            Decision decision = zones.decisions().get(service);
            if (decision == null) {
                zone.put("decision", "off");
                zone.put(
                        "reason",
                        settings.localZone().isEmpty()
                                ? "the local zone is unknown (" + settings.localZoneSource() + " unset)"
                                : "zone routing is disabled for this service");
            } else {
                zone.put("decision", decision.mode().name().toLowerCase(Locale.ROOT));
                zone.put("local_healthy", decision.localHealthy());
                zone.put("local_total", decision.localTotal());
                zone.put("healthy", decision.healthy());
                zone.put("total", decision.total());
                zone.put("reason", decision.reason());
            }
            ((Map<String, Object>) view).put("zone", zone);
        });
    }
}
