package io.smartstack.it.fleet;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import io.smartstack.it.containers.DockerEngine;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * One host of the fleet: a container with a fixed address on the fleet's network, running daemons
 * through {@code smartstack-ctl}. It can be killed ({@code docker kill}, as a lost box) and started
 * again with the same address, and cut off from chosen peers by blackhole routes while every other
 * peer still reaches it. It owns its container: {@link #close()} removes it.
 */
final class FleetHost implements AutoCloseable {
    private final String name;
    private final String address;
    private final GenericContainer<?> container;
    private final DockerClient docker;

    /** What a host is made of: its image, name, address, files copied in (path -> text) and environment. */
    record Spec(
            String image, String name, String address, Map<String, String> files, Map<String, String> environment) {}

    @SuppressWarnings("resource") // closed by close()
    FleetHost(Spec spec, Network network, DockerClient docker) {
        this.name = spec.name();
        this.address = spec.address();
        this.docker = docker;
        GenericContainer<?> created = new GenericContainer<>(DockerImageName.parse(spec.image()))
                .withNetwork(network)
                .withNetworkAliases(spec.name())
                .withLabel(DockerEngine.SUITE_LABEL, Fleet.SUITE)
                .withEnv(spec.environment())
                .withCreateContainerCmdModifier(command -> {
                    command.withIpv4Address(spec.address())
                            .withHostName(spec.name())
                            .withName("fleet-" + spec.name());
                    command.getHostConfig().withCapAdd(Capability.NET_ADMIN);
                });
        spec.files().forEach((path, text) -> created.withCopyToContainer(Transferable.of(text), path));
        this.container = created;
    }

    GenericContainer<?> container() {
        return container;
    }

    String name() {
        return name;
    }

    String address() {
        return address;
    }

    /** Runs {@code command} in the host; fails with its output unless it exits 0. Returns stdout. */
    String exec(String... command) {
        try {
            ExecResult result = container.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(name + ": " + String.join(" ", command) + " exited with "
                        + result.getExitCode() + ": " + result.getStdout() + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot run " + List.of(command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    void start(String daemon) {
        exec("smartstack-ctl", "start", daemon);
    }

    /** SIGTERM, as a clean stop or a deploy. */
    void stop(String daemon) {
        exec("smartstack-ctl", "stop", daemon);
    }

    /** {@code docker kill}: the box is gone at once, with whatever it had in flight. */
    void kill() {
        docker.killContainerCmd(container.getContainerId()).exec();
    }

    /** {@code docker start} after {@link #kill()}: same address, its daemons start again. */
    void startAgain() {
        docker.startContainerCmd(container.getContainerId()).exec();
    }

    /**
     * Drops every packet this host sends to {@code peers} (a blackhole route; packets from them still
     * arrive). {@link Fleet#partition} cuts both directions with one such route on each side.
     */
    void blackhole(List<String> peers) {
        peers.forEach(peer -> exec("ip", "route", "add", "blackhole", peer + "/32"));
    }

    void unblackhole(List<String> peers) {
        peers.forEach(peer -> exec("ip", "route", "del", "blackhole", peer + "/32"));
    }

    /** The last {@code lines} lines of each daemon's log in this host, to explain a failure. */
    String logTails(int lines) {
        try {
            ExecResult result = container.execInContainer(
                    "sh",
                    "-c",
                    "for f in /var/log/smartstack/*.log; do echo \"--- $f\"; tail -n " + lines + " $f; done");
            return "\n===== " + name + " (" + address + ")\n" + result.getStdout() + result.getStderr();
        } catch (IOException | RuntimeException e) {
            return "\n===== " + name + ": logs unavailable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "\n===== " + name + ": interrupted";
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
