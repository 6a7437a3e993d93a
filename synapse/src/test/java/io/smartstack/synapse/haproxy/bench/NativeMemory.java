package io.smartstack.synapse.haproxy.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code jcmd PID VM.native_memory summary} of a JVM started with native memory tracking: where its memory goes. */
final class NativeMemory {
    private NativeMemory() {}

    static void print(String name, long pid) throws Exception {
        Process jcmd = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid),
                        "VM.native_memory",
                        "summary")
                .redirectErrorStream(true)
                .start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
        System.out.println();
        System.out.println(name + ": jcmd " + pid + " VM.native_memory summary");
        output.lines()
                .filter(line -> line.startsWith("Total") || line.trim().startsWith("-"))
                .forEach(line -> System.out.println("   " + line));
    }
}
