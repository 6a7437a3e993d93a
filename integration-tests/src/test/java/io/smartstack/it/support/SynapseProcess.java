package io.smartstack.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.testing.ExternalProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/synapse --config FILE} managing an HAProxy; it can be killed and started again on the
 * same config (the HAProxy it started keeps running in between).
 */
public final class SynapseProcess implements AutoCloseable {
    private final Path config;
    private final int adminPort;
    private final int statsPort;
    private final Path haproxyDirectory;
    private final Path logs;
    private int starts;
    private ExternalProcess process;

    private SynapseProcess(Path config, int adminPort, int statsPort, Path haproxyDirectory, Path logs) {
        this.config = config;
        this.adminPort = adminPort;
        this.statsPort = statsPort;
        this.haproxyDirectory = haproxyDirectory;
        this.logs = logs;
    }

    static SynapseProcess start(Path config, int adminPort, int statsPort, Path haproxyDirectory, Path logs) {
        SynapseProcess synapse = new SynapseProcess(config, adminPort, statsPort, haproxyDirectory, logs);
        synapse.start();
        return synapse;
    }

    /** Starts Synapse (again) on the same config and waits for its admin API. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("synapse already running");
        }
        starts++;
        process = Stack.launch("synapse", "synapse-" + starts, List.of("--config", config.toString()), logs)
                .awaitPort(adminPort, Stack.START_TIMEOUT);
    }

    /** SIGKILL, as after a crash: HAProxy keeps running. */
    public synchronized void kill() {
        process.kill();
    }

    public Path config() {
        return config;
    }

    /** SIGHUP: Synapse re-reads its config file. */
    public void hangUp() throws java.io.IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -HUP " + process.pid() + " failed");
        }
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    /** HAProxy's own status page. */
    public String haproxyStatsUrl() {
        return "http://127.0.0.1:" + statsPort + "/";
    }

    public JsonNode status() {
        return Json.get(adminUrl() + "/status");
    }

    public String metricsText() {
        Traffic.Answer answer = Traffic.get(adminUrl() + "/metrics");
        if (answer.status() != 200) {
            throw new IllegalStateException("GET /metrics: " + answer);
        }
        return answer.body();
    }

    /** The backends of {@code service} in {@code GET /status}. */
    public List<JsonNode> backends(String service) {
        List<JsonNode> backends = new ArrayList<>();
        for (JsonNode node : status().path("services")) {
            if (node.path("name").asText().equals(service)) {
                node.path("backends").forEach(backends::add);
            }
        }
        return backends;
    }

    /** The registration names ({@code name}) of {@code service}'s backends. */
    public List<String> backendNames(String service) {
        return backends(service).stream()
                .map(b -> b.path("name").asText())
                .sorted()
                .toList();
    }

    /** The haproxy generator's status ({@code generators.haproxy}): reloads, master pid, ... */
    public JsonNode haproxyStatus() {
        return status().path("generators").path("haproxy");
    }

    public Path haproxyPidFile() {
        return haproxyDirectory.resolve("haproxy.pid");
    }

    public Path haproxyDirectory() {
        return haproxyDirectory;
    }

    /** HAProxy's own view, from its status page's CSV: {@code backend/server -> status} (UP, DOWN, MAINT...). */
    public java.util.Map<String, String> haproxyServers() {
        Traffic.Answer answer = Traffic.get(haproxyStatsUrl() + ";csv");
        java.util.Map<String, String> servers = new java.util.TreeMap<>();
        if (answer.status() != 200) {
            throw new IllegalStateException("HAProxy stats: " + answer);
        }
        for (String line : answer.body().split("\n")) {
            String[] fields = line.split(",", -1);
            if (line.startsWith("#") || fields.length < 18) {
                continue;
            }
            if (!fields[1].equals("FRONTEND") && !fields[1].equals("BACKEND")) {
                servers.put(fields[0] + "/" + fields[1], fields[17]);
            }
        }
        return servers;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String logText() {
        return process.logText();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return "synapse " + config;
    }
}
