package io.smartstack.it.fleet;

import io.smartstack.it.containers.LocalImage;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fleet's images, built from {@code integration-tests/src/test/docker} FROM the local base image,
 * with the daemons' jars Maven built in this reactor (nerve, synapse, common run before this module).
 * Built once and cached by Docker: a run after the first rebuilds only the layers whose jar changed.
 */
final class FleetImages {
    static final String RUNTIME = "smartstack/fleet-runtime:1";
    static final String ZOOKEEPER = "smartstack/fleet-zookeeper:1";
    static final String APP = "smartstack/fleet-app:1";
    static final String CONSUMER = "smartstack/fleet-consumer:1";

    private FleetImages() {}

    /** Builds the four images (runtime first: the others are FROM it); returns the build time in ms. */
    static long build() {
        long started = System.nanoTime();
        Path root = Path.of(System.getProperty("smartstack.root", ".."));
        Path docker = root.resolve("integration-tests/src/test/docker");
        Path tools = root.resolve("common/target/smartstack-tools.jar");
        LocalImage.build(RUNTIME, docker.resolve("runtime"), Map.of());
        LocalImage.build(ZOOKEEPER, docker.resolve("zookeeper-host"), Map.of("smartstack-tools.jar", tools));
        LocalImage.build(
                APP,
                docker.resolve("app-host"),
                Map.of("smartstack-tools.jar", tools, "nerve-all.jar", root.resolve("nerve/target/nerve-all.jar")));
        LocalImage.build(
                CONSUMER,
                docker.resolve("consumer-host"),
                Map.of("synapse-all.jar", root.resolve("synapse/target/synapse-all.jar")));
        return (System.nanoTime() - started) / 1_000_000;
    }
}
