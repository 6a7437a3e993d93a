package io.smartstack.common.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path directory;

    @Test
    void writesTheContentAndLeavesNoTemporaryFileBehind() throws Exception {
        Path file = directory.resolve("nested/out.json");

        AtomicFile.write(file, "{\"a\": 1}\n");

        assertEquals("{\"a\": 1}\n", Files.readString(file));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "only the target is left in the directory");
        }
    }

    @Test
    void writeIfChangedLeavesAnIdenticalFileUntouched() throws Exception {
        Path file = directory.resolve("out.json");
        byte[] content = "same".getBytes(StandardCharsets.UTF_8);
        assertTrue(AtomicFile.writeIfChanged(file, content));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));

        assertFalse(AtomicFile.writeIfChanged(file, content));
        assertEquals(0, Files.getLastModifiedTime(file).toMillis());
        assertTrue(AtomicFile.writeIfChanged(file, "other".getBytes(StandardCharsets.UTF_8)));
        assertEquals("other", Files.readString(file));
    }

    @Test
    void replaceMovesACompleteFileOverTheTargetAcrossDirectories() throws Exception {
        Path candidate = directory.resolve("candidates/haproxy.cfg.new");
        Files.createDirectories(candidate.getParent());
        Files.writeString(candidate, "global\n");
        Path target = directory.resolve("etc/haproxy.cfg");
        AtomicFile.write(target, "old\n");

        AtomicFile.replace(candidate, target);

        assertEquals("global\n", Files.readString(target));
        assertFalse(Files.exists(candidate));
    }
}
