package io.smartstack.synapse.haproxy.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (Debian's) and reads its totals: requests, socket errors, non-2xx/3xx answers. */
public record Wrk(
        long requests,
        long connectErrors,
        long readErrors,
        long writeErrors,
        long timeouts,
        long non2xx,
        String output) {

    public String failedDetail() {
        String samples = output.lines()
                .filter(line -> line.startsWith("failed answer: "))
                .map(line -> line.substring("failed answer: ".length()))
                .distinct()
                .limit(3)
                .toList()
                .toString();
        return "connect " + connectErrors + ", read " + readErrors + ", write " + writeErrors + ", timeout " + timeouts
                + ", non-2xx/3xx " + non2xx + (non2xx > 0 ? ", e.g. " + samples : "");
    }

    public long failed() {
        return connectErrors + readErrors + writeErrors + timeouts + non2xx;
    }

    /** Prints the first failed answers of each wrk thread, so their status and body can be reported. */
    private static final String SCRIPT = String.join(
            "\n",
            "local shown = 0",
            "response = function(status, headers, body)",
            "  if status >= 400 and shown < 3 then",
            "    shown = shown + 1",
            "    io.write('failed answer: ' .. status .. ' ' .. string.sub(body, 1, 60):gsub('%s+', ' ') .. '\\n')",
            "    io.flush()",
            "  end",
            "end",
            "");

    public static Process start(int port, int seconds, int connections) throws IOException {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("wrk", ".lua");
        java.nio.file.Files.writeString(script, SCRIPT);
        script.toFile().deleteOnExit();
        return new ProcessBuilder(List.of(
                        "wrk",
                        "-t2",
                        "-c" + connections,
                        "-d" + seconds + "s",
                        "--timeout",
                        "5s",
                        "-s",
                        script.toString(),
                        "http://127.0.0.1:" + port + "/"))
                .redirectErrorStream(true)
                .start();
    }

    public static Wrk finish(Process process) throws IOException, InterruptedException {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        long[] socket = {0, 0, 0, 0};
        Matcher errors = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(output);
        if (errors.find()) {
            for (int i = 0; i < 4; i++) {
                socket[i] = Long.parseLong(errors.group(i + 1));
            }
        }
        return new Wrk(
                find(output, "(\\d+) requests in"),
                socket[0],
                socket[1],
                socket[2],
                socket[3],
                find(output, "Non-2xx or 3xx responses: (\\d+)"),
                output);
    }

    private static long find(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }
}
