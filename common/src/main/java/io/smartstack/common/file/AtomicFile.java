package io.smartstack.common.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The one way files are replaced: readers see either the old or the new content, never a partial
 * one, and the new content is on disk before the rename makes it visible. The bytes go to a temporary
 * file in the target's directory, are flushed ({@code fsync}), the file is renamed over the target,
 * and the directory is flushed so the rename survives a crash. Used by the HAProxy config installer,
 * the server-state file, the state cache and {@code file_output}.
 *
 * <p>Not guaranteed: atomicity on file systems without an atomic rename (then the rename is a plain
 * replace), and ordering between two writers of the same file (callers have one owner per file).
 */
public final class AtomicFile {
    private AtomicFile() {}

    /**
     * Writes {@code content} unless the file already holds exactly it.
     *
     * @return true when the file was written
     */
    public static boolean writeIfChanged(Path file, byte[] content) throws IOException {
        try {
            if (Arrays.equals(Files.readAllBytes(file), content)) {
                return false;
            }
        } catch (NoSuchFileException e) {
            // first write
        }
        write(file, content);
        return true;
    }

    /** Writes {@code text} as UTF-8. */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path file, byte[] content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            rename(temporary, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Moves a file that is already complete (e.g. a checked candidate) over {@code target}: the source
     * is flushed first, then renamed atomically, then the directory is flushed. Across file systems the
     * content is copied next to the target first.
     */
    public static void replace(Path source, Path target) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        if (!directory.equals(source.toAbsolutePath().getParent())) {
            write(target, Files.readAllBytes(source));
            Files.delete(source);
            return;
        }
        rename(source, target);
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(to.toAbsolutePath().getParent());
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse to open or flush a directory; the rename itself has happened
        }
    }
}
