package io.smartstack.synapse.haproxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy 1.x section titles with an address, {@code listen NAME ADDR} and {@code frontend NAME ADDR} (as in
 * the original Synapse's README: {@code "listen stats :3212"}), which HAProxy 2 refuses ("please use the
 * 'bind' keyword"). They are rewritten to the title without the address and a {@code bind ADDR} line first.
 */
public final class SectionTitles {
    private static final Pattern WITH_ADDRESS = Pattern.compile("^\\s*(listen|frontend)\\s+(\\S+)\\s+(\\S.*?)\\s*$");

    private SectionTitles() {}

    /** A title rewritten, with the lines that now open the section. */
    public record Translation(String title, String bindLine) {}

    /** The rewrite of a title with an address; empty when the title has none (or is of another kind). */
    public static Optional<Translation> translate(String title) {
        Matcher matcher = WITH_ADDRESS.matcher(title);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Translation(matcher.group(1) + " " + matcher.group(2), "bind " + matcher.group(3)));
    }

    /** The lines of a translated section: the bind line, then the user's lines. */
    static List<String> withBind(Translation translation, List<String> lines) {
        List<String> result = new ArrayList<>();
        result.add(translation.bindLine());
        result.addAll(lines);
        return List.copyOf(result);
    }
}
