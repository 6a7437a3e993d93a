package io.smartstack.nerve.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.admin.AdminServer;
import io.smartstack.common.admin.AdminServer.Request;
import io.smartstack.common.admin.AdminServer.Response;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.Durations;
import io.smartstack.nerve.metrics.NerveMetrics;
import io.smartstack.nerve.service.DynamicServices;
import io.smartstack.nerve.service.Overrides;
import io.smartstack.nerve.service.ServiceSet;
import io.smartstack.nerve.service.ServiceStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Nerve's admin API (JSON unless noted):
 *
 * <ul>
 *   <li>{@code GET /} HTML status page; {@code GET /status}; {@code GET /metrics} (Prometheus text);
 *       {@code GET /healthz}
 *   <li>{@code POST|DELETE /maintenance}: all services into / out of maintenance
 *   <li>{@code GET|PUT|DELETE /services/NAME}: one service's status; add or remove a dynamic service
 *   <li>{@code POST|DELETE /services/NAME/maintenance}
 *   <li>{@code PUT|POST /services/NAME/health} with {@code {"healthy": false, "reason": .., "expires_in": ..}};
 *       {@code DELETE /services/NAME/health} = healthy again
 * </ul>
 *
 * <p>It is handed the objects it acts on and never calls back into the daemon.
 */
public final class NerveAdminApi {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NerveAdminApi.class);

    /** What the admin API reads and changes. */
    public record Parts(
            Supplier<String> instanceId,
            ServiceSet services,
            DynamicServices dynamicServices,
            Overrides overrides,
            NerveMetrics metrics,
            Clock clock) {}

    private final Parts nerve;

    public NerveAdminApi(Parts parts) {
        this.nerve = parts;
    }

    public void install(AdminServer server) {
        server.route("GET", "/", request -> Response.html(StatusPage.render(statusDocument())))
                .route("GET", "/status", request -> Response.json(statusDocument()))
                .route("GET", "/healthz", request -> Response.json(Map.of("status", "ok")))
                .route(
                        "GET",
                        "/metrics",
                        request -> Response.text(
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                nerve.metrics().scrape()))
                .route("POST", "/maintenance", this::allMaintenanceOn)
                .route("DELETE", "/maintenance", request -> {
                    nerve.overrides().endMaintenanceOfAll();
                    log.info("maintenance off for all services");
                    return Response.json(Map.of("maintenance", "off", "services", "all"));
                });
        for (String method : List.of("GET", "PUT", "POST", "DELETE")) {
            server.route(method, "/services/*", this::service);
        }
    }

    /** The document behind {@code GET /status} and the HTML page. */
    public Map<String, Object> statusDocument() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("instance_id", nerve.instanceId().get());
        document.put("time", nerve.clock().instant().toString());
        document.put(
                "maintenance_all",
                nerve.overrides()
                        .allMaintenance()
                        .map(m ->
                                Map.of("reason", m.reason(), "since", m.since().toString())));
        List<ServiceStatus> services = nerve.services().status();
        document.put("services", services);
        return document;
    }

    private Response allMaintenanceOn(Request request) throws IOException {
        String reason = reason(request);
        nerve.overrides().startMaintenanceOfAll(reason, nerve.clock().instant());
        log.info("maintenance on for all services: {}", reason);
        return Response.json(Map.of("maintenance", "on", "services", "all", "reason", reason));
    }

    private Response service(Request request) throws IOException {
        String rest = request.pathAfter("/services/");
        String[] parts = rest.split("/", -1);
        if (rest.isEmpty() || parts.length > 2) {
            return request.method().equals("GET") && rest.isEmpty()
                    ? Response.json(nerve.services().status())
                    : Response.error(404, "no such path: " + request.path());
        }
        String name = parts[0];
        if (parts.length == 1) {
            return switch (request.method()) {
                case "GET" -> serviceStatus(name);
                case "PUT", "POST" -> addService(name, request);
                case "DELETE" -> removeService(name);
                default -> Response.error(405, "method not allowed");
            };
        }
        if (!nerve.services().names().contains(name)) {
            return Response.error(404, "no such service: " + name);
        }
        return switch (parts[1]) {
            case "maintenance" -> maintenance(name, request);
            case "health" -> health(name, request);
            default -> Response.error(404, "no such path: " + request.path());
        };
    }

    private Response serviceStatus(String name) {
        return nerve.services().status().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .map(Response::json)
                .orElseGet(() -> Response.error(404, "no such service: " + name));
    }

    private Response addService(String name, Request request) throws IOException {
        JsonNode body;
        try {
            body = AdminServer.JSON.readTree(request.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Response.json(400, Map.of("error", "the body is not JSON: " + e.getOriginalMessage()));
        }
        if (body == null || !body.isObject()) {
            return Response.json(400, Map.of("error", "the body must be a JSON object (a service config entry)"));
        }
        boolean existed = nerve.services().names().contains(name);
        List<ConfigProblem> problems = nerve.dynamicServices().add(name, body);
        if (problems.isEmpty()) {
            log.info("service {} {} through the admin API", name, existed ? "replaced" : "added");
        }
        if (!problems.isEmpty()) {
            return Response.json(
                    400,
                    Map.of(
                            "error",
                            "invalid service " + name,
                            "problems",
                            problems.stream().map(ConfigProblem::toString).toList()));
        }
        return Response.json(
                existed ? 200 : 201,
                Map.of(
                        "service",
                        name,
                        "note",
                        "dynamic services are lost on restart unless written to service_conf_dir"));
    }

    private Response removeService(String name) {
        if (nerve.dynamicServices().remove(name)) {
            return Response.json(Map.of("removed", name));
        }
        return nerve.services().names().contains(name)
                ? Response.error(409, "service " + name + " comes from the configuration; remove it there")
                : Response.error(404, "no such dynamic service: " + name);
    }

    private Response maintenance(String name, Request request) throws IOException {
        switch (request.method()) {
            case "POST", "PUT" -> {
                String reason = reason(request);
                nerve.overrides().startMaintenance(name, reason, nerve.clock().instant());
                log.info("maintenance on for {}: {}", name, reason);
                return Response.json(Map.of("service", name, "maintenance", "on", "reason", reason));
            }
            case "DELETE" -> {
                if (nerve.overrides().endMaintenance(name)) {
                    log.info("maintenance off for {}", name);
                }
                return Response.json(Map.of("service", name, "maintenance", "off"));
            }
            default -> {
                return Response.error(405, "use POST or DELETE");
            }
        }
    }

    private Response health(String name, Request request) throws IOException {
        if (request.method().equals("DELETE")) {
            nerve.overrides().reportHealthy(name);
            return Response.json(Map.of("service", name, "healthy", true));
        }
        if (request.method().equals("GET")) {
            return Response.error(405, "use PUT, POST or DELETE");
        }
        JsonNode body = request.body().length == 0 ? null : parseOrNull(request.body());
        boolean healthy = body != null && body.path("healthy").asBoolean(false);
        if (healthy) {
            nerve.overrides().reportHealthy(name);
            return Response.json(Map.of("service", name, "healthy", true));
        }
        String reason = reason(request);
        Instant now = nerve.clock().instant();
        Optional<Instant> expiresAt = Optional.empty();
        String expiresIn = body == null
                ? request.query().get("expires_in")
                : body.path("expires_in").asText(null);
        if (expiresIn != null && !expiresIn.isBlank()) {
            try {
                expiresAt = Optional.of(now.plus(Durations.parse(expiresIn)));
            } catch (IllegalArgumentException e) {
                return Response.error(400, "expires_in: " + e.getMessage());
            }
        }
        nerve.overrides().reportUnhealthy(name, reason, now, expiresAt);
        log.info("application reports {} unhealthy: {}", name, reason);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("service", name);
        answer.put("healthy", false);
        answer.put("reason", reason);
        answer.put("expires_at", expiresAt.map(Instant::toString));
        return Response.json(answer);
    }

    private static String reason(Request request) throws IOException {
        if (request.body().length > 0) {
            JsonNode body = parseOrNull(request.body());
            if (body != null && body.hasNonNull("reason")) {
                return body.get("reason").asText();
            }
        }
        return request.query().getOrDefault("reason", "no reason given");
    }

    /** A request body as JSON, or null when it is not JSON (then the query string is used). */
    private static JsonNode parseOrNull(byte[] body) {
        try {
            return AdminServer.JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
