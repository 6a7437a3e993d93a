package io.smartstack.common.registration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a registration may hold, checked in one place for everyone who writes or reads one: Nerve refuses
 * such a value in its config and its registration API, Synapse skips a znode that breaks a rule. Every
 * rule exists because the value ends up in a haproxy.cfg line or a runtime API command, where one stray
 * character changes what HAProxy reads.
 *
 * <ul>
 *   <li>{@code host}: an IPv4 literal (dotted quad, no leading zeros), an IPv6 literal (no zone, no
 *       brackets) or an RFC 1123 host name: at most {@value #MAX_HOST_LENGTH} characters, labels of 1 to
 *       63 letters, digits and {@code -}, not starting or ending with {@code -}, not all-numeric.
 *   <li>{@code port}: 1 to 65535.
 *   <li>{@code name}: at most {@value #MAX_NAME_LENGTH} of the characters HAProxy accepts in a server
 *       name, {@code A-Z a-z 0-9 _ . : -} (the server name is {@code <name>_<host>:<port>}).
 *   <li>{@code weight}: 0 to {@value #MAX_WEIGHT}.
 *   <li>{@code haproxy_server_options}: at most {@value #MAX_OPTIONS_LENGTH} printable ASCII characters,
 *       without {@code #} (starts a comment), quotes or backslashes (they change how HAProxy splits the
 *       line into words).
 *   <li>{@code labels}: at most {@value #MAX_LABELS}; keys 1 to {@value #MAX_LABEL_KEY_LENGTH} and values up
 *       to {@value #MAX_LABEL_VALUE_LENGTH} characters, without control characters.
 *   <li>the znode's data: at most {@value #MAX_DATA_BYTES} bytes.
 * </ul>
 *
 * Pure and thread-safe. Never resolves a name.
 */
public final class RegistrationRules {
    public static final int MAX_DATA_BYTES = 65_536;
    public static final int MAX_HOST_LENGTH = 253;
    public static final int MAX_NAME_LENGTH = 128;
    public static final int MAX_WEIGHT = 256;
    public static final int MAX_OPTIONS_LENGTH = 1024;
    public static final int MAX_LABELS = 64;
    public static final int MAX_LABEL_KEY_LENGTH = 128;
    public static final int MAX_LABEL_VALUE_LENGTH = 1024;

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]*");
    private static final Pattern OPTIONS = Pattern.compile("[\\x20-\\x7e&&[^#\"'\\\\]]*");

    private RegistrationRules() {}

    /** Every rule {@code registration} breaks, in field order; empty when it is acceptable. */
    public static List<DecodeResult.Rejected> problems(Registration registration) {
        List<DecodeResult.Rejected> problems = new ArrayList<>();
        host(registration.host()).ifPresent(problems::add);
        port(registration.port()).ifPresent(problems::add);
        name(registration.name()).ifPresent(problems::add);
        registration.weight().stream()
                .mapToObj(RegistrationRules::weight)
                .flatMap(Optional::stream)
                .forEach(problems::add);
        registration
                .haproxyServerOptions()
                .flatMap(RegistrationRules::serverOptions)
                .ifPresent(problems::add);
        labels(registration.labels()).ifPresent(problems::add);
        return problems;
    }

    public static Optional<DecodeResult.Rejected> host(String host) {
        if (host == null || host.isEmpty()) {
            return reject(RejectionKind.HOST, "registration has no host");
        }
        if (host.length() > MAX_HOST_LENGTH) {
            return reject(RejectionKind.HOST, "host is longer than " + MAX_HOST_LENGTH + " characters: " + quote(host));
        }
        if (IPV4.matcher(host).matches() || isIpv6Literal(host) || isHostName(host)) {
            return Optional.empty();
        }
        return reject(RejectionKind.HOST, "host is not an IP address or an RFC 1123 host name: " + quote(host));
    }

    public static Optional<DecodeResult.Rejected> port(int port) {
        return port >= 1 && port <= 65535
                ? Optional.empty()
                : reject(RejectionKind.PORT, "port is not within 1 and 65535: " + port);
    }

    /** A null or empty name is no name (the server is then called {@code <host>:<port>}). */
    public static Optional<DecodeResult.Rejected> name(String name) {
        if (name == null) {
            return Optional.empty();
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return reject(RejectionKind.NAME, "name is longer than " + MAX_NAME_LENGTH + " characters: " + quote(name));
        }
        return NAME.matcher(name).matches()
                ? Optional.empty()
                : reject(
                        RejectionKind.NAME,
                        "name has characters HAProxy refuses in a server name (allowed: A-Z a-z 0-9 _ . : -): "
                                + quote(name));
    }

    public static Optional<DecodeResult.Rejected> weight(int weight) {
        return weight >= 0 && weight <= MAX_WEIGHT
                ? Optional.empty()
                : reject(RejectionKind.WEIGHT, "weight is not within 0 and " + MAX_WEIGHT + ": " + weight);
    }

    public static Optional<DecodeResult.Rejected> serverOptions(String options) {
        if (options.length() > MAX_OPTIONS_LENGTH) {
            return reject(
                    RejectionKind.SERVER_OPTIONS,
                    "haproxy_server_options is longer than " + MAX_OPTIONS_LENGTH + " characters: " + quote(options));
        }
        return OPTIONS.matcher(options).matches()
                ? Optional.empty()
                : reject(
                        RejectionKind.SERVER_OPTIONS,
                        "haproxy_server_options may hold only printable ASCII without # \" ' \\: " + quote(options));
    }

    public static Optional<DecodeResult.Rejected> labels(Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            return reject(RejectionKind.LABELS, "more than " + MAX_LABELS + " labels: " + labels.size());
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = label.getKey();
            if (key.isEmpty() || key.length() > MAX_LABEL_KEY_LENGTH || hasControlCharacter(key)) {
                return reject(
                        RejectionKind.LABELS,
                        "label key must be 1 to " + MAX_LABEL_KEY_LENGTH + " characters without control characters: "
                                + quote(key));
            }
            String value = label.getValue();
            if (value.length() > MAX_LABEL_VALUE_LENGTH || hasControlCharacter(value)) {
                return reject(
                        RejectionKind.LABELS,
                        "label " + quote(key) + " must be at most " + MAX_LABEL_VALUE_LENGTH
                                + " characters without control characters: " + quote(value));
            }
        }
        return Optional.empty();
    }

    public static Optional<DecodeResult.Rejected> dataSize(int bytes) {
        return bytes <= MAX_DATA_BYTES
                ? Optional.empty()
                : reject(RejectionKind.TOO_LARGE, "data is larger than " + MAX_DATA_BYTES + " bytes: " + bytes);
    }

    static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c)
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.SURROGATE && !validSurrogatePair(text, i)) {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return false;
    }

    private static boolean validSurrogatePair(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i))
                && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
    }

    /**
     * Only literal-looking text reaches {@link InetAddress#getByName}: it contains a colon and starts with
     * a hex digit or a colon, so the JDK parses it as an IPv6 literal and never asks a resolver.
     */
    private static boolean isIpv6Literal(String host) {
        if (host.indexOf(':') < 0 || !IPV6_CHARACTERS.matcher(host).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false; // not a valid IPv6 literal
        }
    }

    private static boolean isHostName(String host) {
        if (NUMERIC.matcher(host).matches()) {
            return false; // digits and dots that are not an IPv4 address
        }
        for (String label : host.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static Optional<DecodeResult.Rejected> reject(RejectionKind kind, String reason) {
        return Optional.of(new DecodeResult.Rejected(kind, reason));
    }

    /** The text in single quotes, control characters escaped, cut at 80 characters: safe in a log line. */
    public static String quote(String text) {
        StringBuilder quoted = new StringBuilder("'");
        int limit = Math.min(text.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                quoted.append("\\n");
            } else if (c == '\r') {
                quoted.append("\\r");
            } else if (c == '\t') {
                quoted.append("\\t");
            } else if (c < 0x20
                    || (c >= 0x7f && c < 0xa0)
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                    || Character.isSurrogate(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        if (text.length() > limit) {
            quoted.append("...");
        }
        return quoted.append('\'').toString();
    }
}
