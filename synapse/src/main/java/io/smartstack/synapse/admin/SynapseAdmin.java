package io.smartstack.synapse.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.smartstack.common.admin.AdminServer;
import io.smartstack.synapse.config.AdminConfig;
import io.smartstack.synapse.reconcile.Reconciler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synapse's admin API: {@code GET /status} (JSON), {@code GET /} (HTML status page), {@code GET /healthz}
 * and {@code GET /metrics} (Prometheus text).
 */
public final class SynapseAdmin implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SynapseAdmin.class);
    private static final Duration GENERATOR_STATUS_TIMEOUT = Duration.ofSeconds(2);

    private final AdminServer server;

    public SynapseAdmin(AdminConfig config, Reconciler reconciler, PrometheusMeterRegistry prometheus) {
        this.server = new AdminServer(new InetSocketAddress(config.bind(), config.port()), "synapse-admin");
        server.route("GET", "/status", request -> AdminServer.Response.json(status(reconciler)))
                .route("GET", "/", request -> AdminServer.Response.html(StatusPage.render(status(reconciler))))
                .route("GET", "/healthz", request -> health(reconciler))
                .route(
                        "GET",
                        "/metrics",
                        request -> AdminServer.Response.text(
                                200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape()));
    }

    /**
     * 200 when ready: the startup wait is over and no generator reports a data-plane problem (its
     * status' {@code notReady} list: managed HAProxy not running, config check failed, stats socket
     * unreachable, last reload failed). Otherwise 503 with the reasons.
     */
    private static AdminServer.Response health(Reconciler reconciler) {
        Reconciler.Views views = reconciler.views(GENERATOR_STATUS_TIMEOUT);
        List<String> reasons = StatusJson.notReady(views.status(), views.generators());
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", reasons.isEmpty() ? "ok" : "not ready");
        health.put("ready", reasons.isEmpty());
        health.put("reasons", reasons);
        return AdminServer.Response.json(reasons.isEmpty() ? 200 : 503, health);
    }

    private static Map<String, Object> status(Reconciler reconciler) {
        Reconciler.Views views = reconciler.views(GENERATOR_STATUS_TIMEOUT);
        return StatusJson.build(views.status(), views.generators());
    }

    public void start() throws IOException {
        server.start();
        log.info("admin API listening on http://{}:{}", hostForUrl(server.address()), server.port());
    }

    public int port() {
        return server.port();
    }

    private static String hostForUrl(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        server.close();
    }
}
