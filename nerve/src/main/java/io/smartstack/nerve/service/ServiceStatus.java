package io.smartstack.nerve.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/** One service as the admin API shows it: a snapshot, safe to serialize. */
public record ServiceStatus(
        String name,
        String origin,
        String host,
        int port,
        @JsonProperty("up") boolean up,
        @JsonProperty("checks_up") boolean checksUp,
        @JsonProperty("registered") boolean registered,
        Optional<String> znode,
        @JsonProperty("owned_znodes") List<String> ownedZnodes,
        @JsonProperty("zk_hosts") String zkHosts,
        @JsonProperty("zk_connected") boolean zkConnected,
        Optional<OverrideStatus> maintenance,
        @JsonProperty("app_unhealthy") Optional<OverrideStatus> appUnhealthy,
        @JsonProperty("report_failures") int reportFailures,
        @JsonProperty("last_report_error") Optional<String> lastReportError,
        @JsonProperty("check_interval_ms") long checkIntervalMillis,
        List<CheckStatus> checks) {

    /** A maintenance or app-reported state: why, since when (ISO-8601), until when if known. */
    public record OverrideStatus(String reason, String since, @JsonProperty("expires_at") Optional<String> expiresAt) {
        static OverrideStatus of(Overrides.Maintenance maintenance) {
            return new OverrideStatus(maintenance.reason(), maintenance.since().toString(), Optional.empty());
        }

        static OverrideStatus of(Overrides.AppHealth health) {
            return new OverrideStatus(
                    health.reason(),
                    health.since().toString(),
                    health.expiresAt().map(Object::toString));
        }
    }

    /** One check's state. */
    public record CheckStatus(
            String name,
            String type,
            String target,
            Boolean up,
            @JsonProperty("last_passed") Boolean lastPassed,
            @JsonProperty("last_reason") String lastReason,
            @JsonProperty("latency_ms") Double latencyMillis,
            @JsonProperty("last_run") String lastRun,
            @JsonProperty("consecutive_passes") int consecutivePasses,
            @JsonProperty("consecutive_failures") int consecutiveFailures,
            int rise,
            int fall,
            @JsonProperty("timeout_ms") long timeoutMillis) {}
}
