package io.smartstack.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A page as a person sees it: loaded by headless Chromium (Debian's package, installed by scripts/test)
 * and its DOM dumped after the page's scripts ran. Background networking is off: this machine's network
 * is closed, and a test must only talk to loopback.
 */
public final class HeadlessChromium {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {}

    public static String render(String url, Path directory) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("chromium must be installed (scripts/test installs it)");
        }
        Files.createDirectories(directory);
        Path profile = Files.createTempDirectory(directory, "chromium");
        Process chromium = new ProcessBuilder(List.of(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-extensions",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + profile,
                        "--dump-dom",
                        url))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            byte[] dom = chromium.getInputStream().readAllBytes();
            if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("chromium did not exit");
            }
            return new String(dom, StandardCharsets.UTF_8);
        } finally {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
        }
    }
}
