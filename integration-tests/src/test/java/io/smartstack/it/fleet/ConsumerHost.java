package io.smartstack.it.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.it.support.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * A consumer host: Synapse (admin API on the host's address, port 3211) managing HAProxy, whose
 * frontend for service {@code web} is 127.0.0.1:3213 inside the host; and a load client sending
 * requests to that frontend.
 */
final class ConsumerHost {
    static final int ADMIN_PORT = 3211;
    static final int FRONTEND_PORT = 3213;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FleetHost host;

    ConsumerHost(FleetHost host) {
        this.host = host;
    }

    FleetHost host() {
        return host;
    }

    /** The addresses of service web's backends in Synapse's status, empty while Synapse does not answer. */
    Set<String> backendAddresses() {
        Set<String> hosts = new TreeSet<>();
        try {
            for (JsonNode service : status().path("services")) {
                if (service.path("name").asText().equals(Fleet.SERVICE)) {
                    service.path("backends")
                            .forEach(b -> hosts.add(b.path("host").asText()));
                }
            }
        } catch (RuntimeException notAnswering) {
            return Set.of();
        }
        return hosts;
    }

    /** HAProxy reloads Synapse did since it started. */
    long reloads() {
        return status().path("generators").path("haproxy").path("reloads").asLong();
    }

    JsonNode status() {
        return Json.get("http://" + host.address() + ":" + ADMIN_PORT + "/status");
    }

    void startLoad() {
        host.exec("rm", "-f", "/run/smartstack/load.json");
        host.start("load");
    }

    /** Stops the load client and returns its final counters. */
    LoadFigures stopLoad() {
        host.stop("load");
        try {
            return LoadFigures.of(JSON.readTree(host.exec("cat", "/run/smartstack/load.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The load client's counters so far. */
    LoadFigures load() {
        try {
            return LoadFigures.of(JSON.readTree(host.exec("cat", "/run/smartstack/load.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String synapseConfig(String zooKeeperHosts) {
        return """
                admin: {bind: 0.0.0.0, port: %d}
                services:
                  %s:
                    discovery: {method: zookeeper, hosts: [%s], path: %s}
                    haproxy:
                      port: %d
                      bind_address: 127.0.0.1
                      server_options: check inter 500ms fall 2 rise 1
                      listen:
                        - mode http
                        - option httpchk GET /health
                haproxy:
                  manage: true
                  config_file_path: /var/lib/synapse/haproxy.cfg
                  stats_port: 3212
                  restart_interval: 0.5
                  drain_timeout: 3s
                  global:
                    - maxconn 512
                  defaults:
                    - mode http
                    - timeout connect 500ms
                    - timeout client 10s
                    - timeout server 3s
                    - retries 2
                    - option redispatch
                    - balance roundrobin
                """
                .formatted(ADMIN_PORT, Fleet.SERVICE, zooKeeperHosts, Fleet.PATH, FRONTEND_PORT);
    }
}
