package io.smartstack.it.support;

import io.smartstack.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The common HTTP setup of the scenarios: demo services {@code web-1..n}, each with its own Nerve
 * registering service {@code web}, and one Synapse routing {@code 127.0.0.1:<frontend port>} to them.
 */
public final class WebStack {
    public static final String SERVICE = "web";

    private final Stack stack;
    private final int frontendPort = FreePorts.next();
    private final List<Instance> instances = new ArrayList<>();
    private SynapseProcess synapse;

    public WebStack(Stack stack) {
        this.stack = stack;
    }

    public record Instance(DemoService service, NerveProcess nerve) {
        public String name() {
            return service.name();
        }
    }

    /** Starts demo service {@code name} and a Nerve beside it. */
    public Instance addInstance(String name, Stack.NerveTiming timing) {
        return addInstance(name, timing, "");
    }

    /** As {@link #addInstance(String, Stack.NerveTiming)} with extra keys of Nerve's service entry. */
    public Instance addInstance(String name, Stack.NerveTiming timing, String extraKeys) {
        DemoService service = stack.demoService(name);
        NerveProcess nerve = stack.nerve(name, stack.httpService(SERVICE, service.port(), timing, extraKeys));
        Instance instance = new Instance(service, nerve);
        instances.add(instance);
        return instance;
    }

    /** Starts Synapse; {@code serverOptions} go on every server line (e.g. HAProxy health checks), may be empty. */
    public SynapseProcess startSynapse(String serverOptions) {
        String options = serverOptions.isEmpty() ? "" : "\n      server_options: " + serverOptions;
        synapse = stack.synapse(
                """
                  %s:
                    discovery: %s
                    haproxy:
                      port: %d
                      bind_address: 127.0.0.1
                      listen:
                        - mode http
                        - option httpchk GET /health%s
                """
                        .formatted(SERVICE, stack.discovery(SERVICE), frontendPort, options));
        return synapse;
    }

    public SynapseProcess synapse() {
        return synapse;
    }

    public List<Instance> instances() {
        return instances;
    }

    /** The service as applications use it: through the local HAProxy. */
    public String url() {
        return "http://127.0.0.1:" + frontendPort + "/";
    }

    /** Waits until requests through HAProxy are answered by exactly {@code names}; on a timeout, fails with the logs. */
    public void awaitAnswering(Duration timeout, String... names) {
        java.util.Set<String> expected = java.util.Set.of(names);
        java.util.concurrent.atomic.AtomicReference<java.util.Map<String, Integer>> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            org.awaitility.Awaitility.await()
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        last.set(Traffic.spread(url(), 4 * names.length));
                        return last.get().keySet().equals(expected);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "not answered by exactly " + expected + " within " + timeout + "; last spread " + last.get()
                            + "; Synapse status: " + (synapse == null ? "-" : safeStatus()) + stack.logTails(40),
                    e);
        }
    }

    private String safeStatus() {
        try {
            return synapse.status().toString();
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    public int frontendPort() {
        return frontendPort;
    }
}
