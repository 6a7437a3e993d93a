package io.smartstack.synapse.haproxy.render;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The major and minor version of the HAProxy that runs the rendered config, from the first line of
 * {@code haproxy -v} ("HAProxy version 2.6.12-1 ..." or, before 1.9, "HA-Proxy version 1.8.30 ...").
 * The lines Synapse adds on its own are chosen by it: a directive older versions refuse is left out for them.
 */
public record HaproxyVersion(int major, int minor) implements Comparable<HaproxyVersion> {
    private static final Pattern VERSION = Pattern.compile("HA-?Proxy version (\\d+)\\.(\\d+)");

    /** The version in {@code haproxy -v} (or {@code -vv}) output, if it names one. */
    public static Optional<HaproxyVersion> parse(String output) {
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new HaproxyVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))));
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new HaproxyVersion(major, minor)) >= 0;
    }

    /** True when {@code running} is at least {@code major.minor}, or unknown (then the current syntax is used). */
    public static boolean supports(Optional<HaproxyVersion> running, int major, int minor) {
        return running.map(version -> version.atLeast(major, minor)).orElse(true);
    }

    @Override
    public int compareTo(HaproxyVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
