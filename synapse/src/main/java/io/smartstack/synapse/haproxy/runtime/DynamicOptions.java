package io.smartstack.synapse.haproxy.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates server-line options for {@code add server}: HAProxy refuses some keywords on dynamic
 * servers ({@code cookie}, {@code resolvers}, {@code init-addr}, {@code redir}, {@code resolve-*});
 * they are dropped here (with their argument) and reported, and take effect at the next reload, when
 * the server is read from the config file. Pure.
 *
 * @param options what {@code add server} gets
 * @param dropped the refused keywords that were removed
 * @param check whether the server has {@code check} (then {@code enable health} must follow)
 */
public record DynamicOptions(String options, List<String> dropped, boolean check) {
    /** Refused keyword to the number of arguments it takes. */
    private static final Map<String, Integer> REFUSED = Map.of(
            "cookie", 1,
            "resolvers", 1,
            "init-addr", 1,
            "redir", 1,
            "resolve-prefer", 1,
            "resolve-opts", 1,
            "resolve-net", 1);

    public static DynamicOptions translate(String options) {
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        boolean check = false;
        String[] words =
                options.trim().isEmpty() ? new String[0] : options.trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            Integer arguments = REFUSED.get(word);
            if (arguments != null) {
                dropped.add(word);
                i += arguments;
                continue;
            }
            if (word.equals("check")) {
                check = true;
            }
            kept.add(word);
        }
        return new DynamicOptions(String.join(" ", kept), List.copyOf(dropped), check);
    }
}
