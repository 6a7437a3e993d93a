package io.smartstack.common.zookeeper;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the ZooKeeper servers a client talks to, as far as it could be learnt: exact when a server
 * answered its {@code srvr} command, otherwise a lower bound ({@code 3.4}, or {@code 3.5} for a server that
 * has the {@code /zookeeper/config} node of 3.5 and newer). Feature checks treat a lower bound as that
 * version, so an unknown server gets the calls every server of that line implements.
 */
public record ServerVersion(int major, int minor, int patch, boolean exact) implements Comparable<ServerVersion> {
    private static final Pattern SRVR_VERSION = Pattern.compile("(?m)^Zookeeper version: (\\d+)\\.(\\d+)\\.(\\d+)");

    /** Below 3.5: the lower bound for a server without {@code /zookeeper/config}. */
    public static final ServerVersion BEFORE_3_5 = new ServerVersion(3, 4, 0, false);

    /** 3.5 or newer, the lower bound for a server that has {@code /zookeeper/config} but did not answer. */
    public static final ServerVersion AT_LEAST_3_5 = new ServerVersion(3, 5, 0, false);

    /** The version in a {@code srvr} answer ({@code Zookeeper version: 3.5.10-..., built on ...}). */
    public static Optional<ServerVersion> fromSrvr(String answer) {
        Matcher matcher = SRVR_VERSION.matcher(answer);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(new ServerVersion(
                Integer.parseInt(matcher.group(1)),
                Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)),
                true));
    }

    public boolean atLeast(int wantedMajor, int wantedMinor) {
        return major > wantedMajor || (major == wantedMajor && minor >= wantedMinor);
    }

    /** Persistent (recursive) watches, {@code addWatch}: 3.6 and newer. */
    public boolean hasPersistentWatches() {
        return atLeast(3, 6);
    }

    /** {@code create2} (a create that returns the new node's stat), container and TTL nodes: 3.5 and newer. */
    public boolean hasCreate2() {
        return atLeast(3, 5);
    }

    @Override
    public int compareTo(ServerVersion other) {
        int byMajor = Integer.compare(major, other.major);
        if (byMajor != 0) {
            return byMajor;
        }
        int byMinor = Integer.compare(minor, other.minor);
        return byMinor != 0 ? byMinor : Integer.compare(patch, other.patch);
    }

    /** {@code 3.5.10}, or for a lower bound {@code 3.4} / {@code 3.5 or newer}. */
    @Override
    public String toString() {
        if (exact) {
            return major + "." + minor + "." + patch;
        }
        return equals(BEFORE_3_5) ? "3.4" : major + "." + minor + " or newer";
    }
}
