package io.smartstack.nerve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code heartbeat_path}: a file touched every second by the scheduler that runs the checks, so an
 * external watchdog can tell a hung Nerve from a live one. Failures are logged once per transition.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final Optional<Path> path;
    private boolean failing;

    Heartbeat(Optional<Path> path) {
        this.path = path;
    }

    void beat() {
        if (path.isEmpty()) {
            return;
        }
        try {
            if (!Files.exists(path.get())) {
                Files.createFile(path.get());
            }
            Files.setLastModifiedTime(path.get(), FileTime.fromMillis(System.currentTimeMillis()));
            if (failing) {
                log.info("heartbeat file {} is written again", path.get());
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                log.warn("cannot touch heartbeat file {}: {}", path.get(), e.toString());
                failing = true;
            }
        }
    }
}
