package io.smartstack.it.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker engine the container tests use, through Testcontainers. {@link #require()} fails (never
 * skips) with a message saying how to get Docker when no engine answers or the base image is missing;
 * {@code -Dsmartstack.containers=skip} is the one switch that leaves the container tests out.
 */
public final class DockerEngine {
    /** Made by {@code scripts/lib/docker.sh} (debootstrap of bookworm, {@code docker import}); never pulled. */
    public static final String BASE_IMAGE = "smartstack/base:bookworm";

    /** The label key on every container and network a container test makes; its value names the suite. */
    public static final String SUITE_LABEL = "io.smartstack.suite";

    private static final String HOW_TO_GET_DOCKER =
            """
            ./scripts/test installs docker.io and debootstrap when missing, starts dockerd without NAT \
            (dockerd --iptables=false) when none runs and makes the base image %s; \
            scripts/lib/docker.sh up does the same alone. To leave the container tests out on purpose, \
            run with -Dsmartstack.containers=skip."""
                    .formatted(BASE_IMAGE);

    private DockerEngine() {}

    /** The engine's client; fails the calling test when Docker cannot work here. */
    public static DockerClient require() {
        DockerClient client;
        try {
            client = DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "The container tests need a Docker engine, and none is usable here (" + e.getMessage() + "). "
                            + HOW_TO_GET_DOCKER,
                    e);
        }
        try {
            client.inspectImageCmd(BASE_IMAGE).exec();
        } catch (NotFoundException e) {
            throw new AssertionError("The container tests build their images FROM " + BASE_IMAGE
                    + ", which is missing (images are made here, never pulled). " + HOW_TO_GET_DOCKER);
        }
        return client;
    }

    /** Removes the containers and networks an earlier, killed run of {@code suite} left behind. */
    public static void removeLeftovers(DockerClient client, String suite) {
        Map<String, String> label = Map.of(SUITE_LABEL, suite);
        List<Container> containers = client.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(label)
                .exec();
        for (Container container : containers) {
            client.removeContainerCmd(container.getId()).withForce(true).exec();
        }
        client.listNetworksCmd()
                .withFilter("label", List.of(SUITE_LABEL + "=" + suite))
                .exec()
                .forEach(network -> client.removeNetworkCmd(network.getId()).exec());
    }
}
