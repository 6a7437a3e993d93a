package io.smartstack.synapse.haproxy.runtime;

import io.smartstack.synapse.haproxy.render.Words;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates server-line options for {@code add server}: HAProxy refuses some keywords on dynamic
 * servers ({@code cookie}, {@code resolvers}, {@code init-addr}, {@code redir}, {@code resolve-*});
 * they are dropped here (with their argument) and reported, and take effect at the next reload, when
 * the server is read from the config file. HAProxy 2.6 also does not give a dynamic server the
 * config-file defaults {@code pool-max-conn -1} and {@code pool-purge-delay 5s}; without both, its
 * idle server-side connections are never reused and every request opens a new connection to the
 * backend (measured: half the throughput). Both are added unless the options set them. Pure.
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

    /** What a config-file server has by default and a dynamic one lacks (measured on HAProxy 2.6). */
    private static final Map<String, String> CONFIG_DEFAULTS = Map.of("pool-max-conn", "-1", "pool-purge-delay", "5s");

    public static DynamicOptions translate(String options) {
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        boolean check = false;
        String[] words = options.trim().isEmpty() ? new String[0] : Words.of(options);
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
        for (String keyword : List.of("pool-max-conn", "pool-purge-delay")) { // fixed order: stable commands
            if (!kept.contains(keyword)) {
                kept.add(keyword);
                kept.add(CONFIG_DEFAULTS.get(keyword));
            }
        }
        return new DynamicOptions(String.join(" ", kept), List.copyOf(dropped), check);
    }
}
