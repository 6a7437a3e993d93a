package io.smartstack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.smartstack.it.support.ManagedHaproxy;
import io.smartstack.it.support.Stack;
import io.smartstack.it.support.Stack.NerveTiming;
import io.smartstack.it.support.SynapseProcess;
import io.smartstack.it.support.Traffic;
import io.smartstack.it.support.WebStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture the scenarios rely on: closing a stack, also after a failure, leaves no process behind. */
class StackFixtureTest {
    @TempDir
    Path temp;

    @Test
    void closingAfterAFailureStopsEveryProcessIncludingTheManagedHaproxy() {
        List<ProcessHandle> started = new ArrayList<>();
        AtomicReference<Path> pidFile = new AtomicReference<>();
        assertThatThrownBy(() -> {
                    try (Stack stack = Stack.in(temp)) {
                        stack.startZooKeeper();
                        WebStack web = new WebStack(stack);
                        SynapseProcess synapse = web.startSynapse("");
                        web.addInstance("web-1", NerveTiming.FAST);
                        await().atMost(Duration.ofSeconds(30))
                                .until(() -> Traffic.get(web.url()).responder().equals("web-1"));
                        pidFile.set(synapse.haproxyPidFile());
                        ManagedHaproxy.masterPid(synapse.haproxyPidFile())
                                .flatMap(ProcessHandle::of)
                                .ifPresent(started::add);
                        ManagedHaproxy.workerPids(synapse.haproxyPidFile()).stream()
                                .map(ProcessHandle::of)
                                .flatMap(java.util.Optional::stream)
                                .forEach(started::add);
                        ProcessHandle.current().descendants().forEach(started::add);
                        throw new IllegalStateException("a scenario failed");
                    }
                })
                .hasMessage("a scenario failed");

        assertThat(started)
                .as("zookeeper, demo service, nerve, synapse, haproxy master and worker")
                .hasSizeGreaterThanOrEqualTo(6);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(started.stream().filter(ProcessHandle::isAlive))
                        .as("still running after close")
                        .isEmpty());
        assertThat(ManagedHaproxy.workerPids(pidFile.get())).isEmpty();
    }
}
