package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.ExecutableLookup;
import io.smartstack.synapse.haproxy.process.CommandResult;
import io.smartstack.synapse.haproxy.render.ConfigOrigins;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code synapse validate}'s HAProxy step: renders the config the haproxy generator would write for
 * {@code desired} (for the installed HAProxy's version) and runs {@code haproxy -c -f} on it, reporting each of
 * HAProxy's messages with the config key its line came from. Where haproxy is not installed nothing is run.
 */
public final class RenderedConfigCheck {
    private static final Pattern LEVEL = Pattern.compile("^\\s*\\[(ALERT|WARNING)\\]\\s*(?:\\(\\d+\\))?\\s*:\\s*(.*)$");
    private static final Pattern POSITION = Pattern.compile("\\[([^\\]\\[]+):(\\d+)\\]\\s*:?\\s*");

    private RenderedConfigCheck() {}

    /** One of HAProxy's messages: its level, the key its line came from (empty: no line), its text. */
    public record Message(String level, Optional<String> key, String text) {
        @Override
        public String toString() {
            return level + key.map(k -> " at " + k).orElse("") + ": " + text;
        }
    }

    /**
     * @param notRun why haproxy was not run (not installed); empty when it ran
     * @param exitCode haproxy's exit code (0 = valid)
     */
    public record Outcome(Optional<String> notRun, int exitCode, List<Message> messages, String rendered) {
        public boolean refused() {
            return notRun.isEmpty() && exitCode != 0;
        }
    }

    /** Runs the check; {@code generator} must be the haproxy generator. */
    public static Outcome run(ConfigGenerator generator, DesiredState desired, ConfigOrigins origins)
            throws IOException {
        if (!(generator instanceof HaproxyGenerator haproxyGenerator)) {
            throw new IllegalArgumentException("not the haproxy generator: " + generator.name());
        }
        String rendered = generator.preview(desired).orElseThrow();
        String haproxy = Reconciliation.haproxyPath(haproxyGenerator.settings());
        if (ExecutableLookup.resolve(haproxy).isEmpty()) {
            return new Outcome(
                    Optional.of("'" + haproxy + "' is not installed: the rendered config was not checked by HAProxy"),
                    0,
                    List.of(),
                    rendered);
        }
        Path directory = Files.createTempDirectory("synapse-validate");
        Path file = directory.resolve("haproxy.cfg");
        try {
            Files.writeString(file, rendered);
            CommandResult result =
                    CommandResult.run(List.of(haproxy, "-c", "-f", file.toString()), Duration.ofSeconds(30));
            return new Outcome(
                    Optional.empty(),
                    result.exitCode(),
                    messages(result.output(), file.toString(), rendered, origins),
                    rendered);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        }
    }

    /** HAProxy's ALERT and WARNING lines (not its NOTICEs), each with the key of the line it names. */
    static List<Message> messages(String output, String file, String rendered, ConfigOrigins origins) {
        List<Message> messages = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher level = LEVEL.matcher(line);
            if (!level.matches()) {
                continue;
            }
            String text = level.group(2).replaceFirst("^config\\s*:\\s*", "");
            Optional<String> key = Optional.empty();
            Matcher position = POSITION.matcher(text);
            if (position.find() && position.group(1).equals(file)) {
                key = Optional.of(origins.keyFor(rendered, Integer.parseInt(position.group(2))));
                text = (text.substring(0, position.start()) + text.substring(position.end()))
                        .replaceFirst("^parsing\\s*", "")
                        .trim();
            }
            messages.add(new Message(level.group(1), key, text.replace(file, "the rendered config")));
        }
        return List.copyOf(messages);
    }
}
