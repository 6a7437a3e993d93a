package io.smartstack.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.testing.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code bin/nerve --config FILE} with its admin API on a known port. */
public final class NerveProcess implements AutoCloseable {
    private final String instanceId;
    private final int adminPort;
    private final ExternalProcess process;

    private NerveProcess(String instanceId, int adminPort, ExternalProcess process) {
        this.instanceId = instanceId;
        this.adminPort = adminPort;
        this.process = process;
    }

    static NerveProcess start(String instanceId, Path config, int adminPort, Path logs) {
        ExternalProcess process = Stack.launch(
                        "nerve", "nerve-" + instanceId, List.of("--config", config.toString()), logs)
                .awaitPort(adminPort, Stack.START_TIMEOUT);
        return new NerveProcess(instanceId, adminPort, process);
    }

    public String instanceId() {
        return instanceId;
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    /** {@code GET /services/<service>} of the admin API. */
    public JsonNode service(String service) {
        return Json.get(adminUrl() + "/services/" + service);
    }

    /** SIGTERM, as an operator draining the box; returns the exit code. */
    public int terminate() {
        return process.terminate(Duration.ofSeconds(30));
    }

    /** SIGKILL: no deregistration, the ZooKeeper session is left to expire. */
    public void kill() {
        process.kill();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logText() {
        return process.logText();
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "nerve " + instanceId;
    }
}
