package io.smartstack.it.containers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * An image built here from a directory with a Dockerfile (under {@code integration-tests/src/test/docker}),
 * FROM {@link DockerEngine#BASE_IMAGE} or another local image; nothing is pulled. The image is kept
 * after the JVM exits, so Docker's layer cache makes the next build take about a second. The build
 * uses the host's network (apt in a RUN step reaches the Debian mirror; dockerd has no NAT).
 */
public final class LocalImage {
    private LocalImage() {}

    /**
     * Builds {@code name} from {@code directory} plus {@code extraFiles} (name in the build context ->
     * file, e.g. a jar built by Maven); returns the name.
     */
    public static String build(String name, Path directory, Map<String, Path> extraFiles) {
        if (!Files.isRegularFile(directory.resolve("Dockerfile"))) {
            throw new IllegalArgumentException("no Dockerfile in " + directory);
        }
        extraFiles.forEach((inContext, file) -> {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(
                        "image " + name + " needs " + file + ", which is missing: build it first (mvn package)");
            }
        });
        ImageFromDockerfile image = new ImageFromDockerfile(name, false)
                .withFileFromPath(".", directory)
                .withBuildImageCmdModifier(
                        command -> command.withNetworkMode("host").withForcerm(true));
        extraFiles.forEach((inContext, file) -> image.withFileFromPath(inContext, file));
        return image.get();
    }
}
