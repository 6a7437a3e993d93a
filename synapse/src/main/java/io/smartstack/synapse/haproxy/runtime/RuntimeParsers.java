package io.smartstack.synapse.haproxy.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Parsers of the runtime API's answers (pure). */
public final class RuntimeParsers {
    private RuntimeParsers() {}

    /**
     * {@code show servers state}: a version line ({@code 1}), a {@code #} header naming the columns,
     * then one line of space-separated fields per server. Columns are found by name from the header.
     */
    public static List<RuntimeServer> serversState(String answer) {
        List<RuntimeServer> servers = new ArrayList<>();
        Map<String, Integer> columns = null;
        for (String line : answer.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("#")) {
                columns = columns(trimmed, " ");
                continue;
            }
            if (columns == null) {
                continue; // the format version line
            }
            // only the 8 columns used are cut out of the line's 25 or more
            String[] fields = fields(trimmed, columns, SERVER_COLUMNS);
            servers.add(new RuntimeServer(
                    fields[0],
                    Integer.parseInt(fields[1]),
                    fields[2],
                    fields[3],
                    Integer.parseInt(fields[4]),
                    Integer.parseInt(fields[5]),
                    Integer.parseInt(fields[6]),
                    Integer.parseInt(fields[7])));
        }
        return servers;
    }

    /** The columns of a {@code show servers state} line a {@link RuntimeServer} is made of, in its order. */
    private static final List<String> SERVER_COLUMNS = List.of(
            "be_name", "srv_id", "srv_name", "srv_addr", "srv_port", "srv_op_state", "srv_admin_state", "srv_uweight");

    /**
     * The fields {@code wanted} of a line of single-space-separated fields, in that order, as {@code
     * line.split(" ")} would give them (a field may be empty); the line must have at least as many fields
     * as the header has columns (trailing empty fields do not count).
     */
    static String[] fields(String line, Map<String, Integer> columns, List<String> wanted) {
        int[] starts = new int[columns.size()]; // only the header's columns are read
        int count = 0;
        int last = 0; // fields up to the last non-empty one
        int start = 0;
        while (true) {
            int end = line.indexOf(' ', start);
            int stop = end < 0 ? line.length() : end;
            if (count < starts.length) {
                starts[count] = start;
            }
            count++;
            if (stop > start) {
                last = count;
            }
            if (end < 0) {
                break;
            }
            start = end + 1;
        }
        if (last < columns.size()) {
            throw new IllegalArgumentException(
                    "show servers state line has " + last + " fields, the header " + columns.size() + ": " + line);
        }
        String[] result = new String[wanted.size()];
        for (int i = 0; i < result.length; i++) {
            Integer column = columns.get(wanted.get(i));
            if (column == null) {
                throw new IllegalArgumentException("show servers state has no column " + wanted.get(i));
            }
            int from = starts[column];
            int to = line.indexOf(' ', from);
            result[i] = line.substring(from, to < 0 ? line.length() : to);
        }
        return result;
    }

    /** The {@code be_id} of the first server line of a {@code show servers state} answer, if any. */
    public static java.util.Optional<Integer> backendId(String answer) {
        Map<String, Integer> columns = null;
        for (String line : answer.split("\n", 4)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#")) {
                columns = columns(trimmed, " ");
            } else if (columns != null && !trimmed.isEmpty() && columns.containsKey("be_id")) {
                String[] fields = trimmed.split(" ", columns.get("be_id") + 2);
                try {
                    return java.util.Optional.of(Integer.parseInt(fields[columns.get("be_id")]));
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    return java.util.Optional.empty();
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * {@code show stat} (CSV with a {@code # pxname,svname,...} header): the counters of every server
     * row, keyed by backend then server. FRONTEND and BACKEND rows are skipped.
     */
    public static Map<String, Map<String, ServerStats>> stat(String answer) {
        Map<String, Map<String, ServerStats>> result = new LinkedHashMap<>();
        Map<String, Integer> columns = null;
        for (String line : answer.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                columns = columns(line, ",");
                continue;
            }
            if (columns == null) {
                throw new IllegalArgumentException("show stat answer has no header: " + line);
            }
            String[] fields = line.split(",", -1);
            String server = fields[columns.get("svname")];
            if (server.equals("FRONTEND") || server.equals("BACKEND")) {
                continue;
            }
            result.computeIfAbsent(fields[columns.get("pxname")], key -> new LinkedHashMap<>())
                    .put(
                            server,
                            new ServerStats(
                                    number(fields, columns, "scur"),
                                    number(fields, columns, "stot"),
                                    text(fields, columns, "status"),
                                    text(fields, columns, "check_status")));
        }
        return result;
    }

    /** {@code show info}: {@code Key: value} lines. */
    public static Map<String, String> info(String answer) {
        Map<String, String> info = new HashMap<>();
        for (String line : answer.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                info.put(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        return info;
    }

    /**
     * Only the {@code keys} of {@code show info}, each as {@link #info} gives it, found without cutting
     * the other lines (a pass reads three keys of about sixty).
     */
    public static Map<String, String> info(String answer, Set<String> keys) {
        Map<String, String> info = new HashMap<>();
        int start = 0;
        while (start < answer.length() && info.size() < keys.size()) {
            int end = answer.indexOf('\n', start);
            if (end < 0) {
                end = answer.length();
            }
            for (String key : keys) {
                int colon = start + key.length();
                if (colon < end && answer.charAt(colon) == ':' && answer.startsWith(key, start)) {
                    info.put(key, answer.substring(colon + 1, end).trim());
                    break;
                }
            }
            start = end + 1;
        }
        return info;
    }

    /** {@code show backend}: one backend name per line after a {@code # name} header. */
    public static Set<String> backends(String answer) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : answer.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                names.add(trimmed);
            }
        }
        return names;
    }

    /** The major and minor version from {@code show info}'s {@code Version} (e.g. 2.6.12-1 -> 2.6). */
    public static int[] version(Map<String, String> info) {
        String version = info.getOrDefault("Version", "0.0");
        String[] parts = version.split("[.-]");
        try {
            return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an HAProxy version: '" + version + "'", e);
        }
    }

    /** Header lines seen and their columns: every answer of a kind has the same header. */
    private static final Map<String, Map<String, Integer>> HEADERS = new ConcurrentHashMap<>();

    private static final int MAX_HEADERS = 16;

    /** The column of each name in a {@code #} header line whose names are separated by {@code separator}. */
    private static Map<String, Integer> columns(String header, String separator) {
        Map<String, Integer> known = HEADERS.get(header);
        if (known != null) {
            return known;
        }
        String[] names = header.substring(1).trim().split(separator, separator.equals(",") ? -1 : 0);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            index.put(names[i].trim(), i);
        }
        if (HEADERS.size() >= MAX_HEADERS) {
            HEADERS.clear();
        }
        Map<String, Integer> columns = Map.copyOf(index);
        HEADERS.put(header, columns);
        return columns;
    }

    private static long number(String[] fields, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        if (index == null || index >= fields.length || fields[index].isEmpty()) {
            return 0;
        }
        return Long.parseLong(fields[index]);
    }

    private static String text(String[] fields, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        return index == null || index >= fields.length ? "" : fields[index];
    }
}
