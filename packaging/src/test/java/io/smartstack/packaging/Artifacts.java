package io.smartstack.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The release artifacts this module's build produced (the tests run after {@code package}). */
final class Artifacts {
    private Artifacts() {}

    static Path root() {
        return Path.of(System.getProperty("smartstack.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    static Path deb() {
        return single("smartstack_", "_all.deb");
    }

    static Path tarball() {
        return single("smartstack-", ".tar.gz");
    }

    private static Path single(String prefix, String suffix) {
        Path target = root().resolve("packaging/target");
        try (Stream<Path> files = Files.list(target)) {
            List<Path> found = files.filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith(prefix) && name.endsWith(suffix);
                    })
                    .toList();
            if (found.size() != 1) {
                throw new IllegalStateException("expected one " + prefix + "*" + suffix + " in " + target
                        + " (run mvn package), found " + found);
            }
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target, e);
        }
    }
}
