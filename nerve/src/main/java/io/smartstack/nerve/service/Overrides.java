package io.smartstack.nerve.service;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operator and application overrides, kept by service name so they survive a reload: maintenance (one
 * service or all) and app-reported unhealthiness (with an optional expiry). Thread-safe.
 */
public final class Overrides {
    private final Map<String, Maintenance> maintenance = new ConcurrentHashMap<>();
    private final Map<String, AppHealth> appUnhealthy = new ConcurrentHashMap<>();
    private volatile Optional<Maintenance> allMaintenance = Optional.empty();

    /** Why and since when a service is in maintenance. */
    public record Maintenance(String reason, Instant since) {}

    /** The application said it is unhealthy: why, since when, and until when (if it said). */
    public record AppHealth(String reason, Instant since, Optional<Instant> expiresAt) {
        boolean isExpired(Instant now) {
            return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
        }
    }

    /** What applies to one service right now. */
    public record ServiceOverride(Optional<Maintenance> maintenance, Optional<AppHealth> appUnhealthy) {}

    public void startMaintenance(String service, String reason, Instant now) {
        maintenance.put(service, new Maintenance(reason, now));
    }

    public boolean endMaintenance(String service) {
        return maintenance.remove(service) != null;
    }

    public void startMaintenanceOfAll(String reason, Instant now) {
        allMaintenance = Optional.of(new Maintenance(reason, now));
    }

    /** Ends maintenance of all services, including per-service maintenance. */
    public void endMaintenanceOfAll() {
        allMaintenance = Optional.empty();
        maintenance.clear();
    }

    public Optional<Maintenance> allMaintenance() {
        return allMaintenance;
    }

    public void reportUnhealthy(String service, String reason, Instant now, Optional<Instant> expiresAt) {
        appUnhealthy.put(service, new AppHealth(reason, now, expiresAt));
    }

    public boolean reportHealthy(String service) {
        return appUnhealthy.remove(service) != null;
    }

    public ServiceOverride forService(String service, Instant now) {
        Optional<Maintenance> own = Optional.ofNullable(maintenance.get(service));
        AppHealth health = appUnhealthy.get(service);
        if (health != null && health.isExpired(now)) {
            appUnhealthy.remove(service, health);
            health = null;
        }
        return new ServiceOverride(own.or(() -> allMaintenance), Optional.ofNullable(health));
    }
}
