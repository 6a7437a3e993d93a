package io.smartstack.synapse.haproxy.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a backend's balance algorithm accepts dynamic servers ({@code add server}). HAProxy refuses
 * them for static algorithms ({@code static-rr}) and for map-based hashing (the default hash-type of
 * {@code source}, {@code uri}, {@code url_param}, {@code hdr}, {@code rdp-cookie}, {@code hash}).
 */
public final class BalanceAlgorithms {
    private static final Set<String> HASHING = Set.of("source", "uri", "url_param", "hdr", "rdp-cookie", "hash");

    private BalanceAlgorithms() {}

    /** The backend's lines win over the defaults' lines; the last line of a kind wins. */
    public static boolean acceptsDynamicServers(List<String> defaults, List<String> backendLines) {
        List<String> all = new ArrayList<>(defaults);
        all.addAll(backendLines);
        String algorithm = "roundrobin";
        String hashType = "map-based";
        for (String line : all) {
            String[] words = Words.of(line.toLowerCase(Locale.ROOT));
            if (words.length >= 2 && words[0].equals("balance")) {
                algorithm = words[1];
            } else if (words.length >= 2 && words[0].equals("hash-type")) {
                hashType = words[1];
            }
        }
        String base = algorithm.contains("(") ? algorithm.substring(0, algorithm.indexOf('(')) : algorithm;
        if (base.equals("static-rr")) {
            return false;
        }
        return !HASHING.contains(base) || hashType.equals("consistent");
    }

    /** The effective balance algorithm, for messages. */
    public static String algorithm(List<String> defaults, List<String> backendLines) {
        List<String> all = new ArrayList<>(defaults);
        all.addAll(backendLines);
        String algorithm = "roundrobin";
        for (String line : all) {
            String[] words = Words.of(line);
            if (words.length >= 2 && words[0].equalsIgnoreCase("balance")) {
                algorithm = line.trim().substring(words[0].length()).trim();
            }
        }
        return algorithm;
    }
}
