package io.smartstack.common.zookeeper;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one ZooKeeper ensemble.
 *
 * @param hosts {@code host:port} of each ensemble member (the originals' {@code zk_hosts} / {@code hosts})
 * @param chroot optional chroot suffix, e.g. {@code /smartstack}; empty for none
 * @param sessionTimeout session timeout asked of the server (default 30 s); ephemeral registrations of a
 *     crashed writer vanish this long after it stops
 * @param connectionTimeout how long one connection attempt may take (default 15 s)
 * @param digest optional {@code user:password} digest credentials; when set, nodes this client creates
 *     are writable only by that identity and readable by everyone
 */
public record ZooKeeperSettings(
        List<String> hosts,
        String chroot,
        Duration sessionTimeout,
        Duration connectionTimeout,
        Optional<String> digest) {

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(15);

    public ZooKeeperSettings {
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(chroot, "chroot");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(digest, "digest");
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("hosts must not be empty");
        }
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("sessionTimeout <= 0: " + sessionTimeout);
        }
    }

    public static ZooKeeperSettings of(List<String> hosts) {
        return new ZooKeeperSettings(hosts, "", DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT, Optional.empty());
    }

    public static ZooKeeperSettings of(String connectString) {
        return of(List.of(connectString.split(",")));
    }

    public ZooKeeperSettings withSessionTimeout(Duration timeout) {
        return new ZooKeeperSettings(hosts, chroot, timeout, connectionTimeout, digest);
    }

    public ZooKeeperSettings withDigest(String userAndPassword) {
        return new ZooKeeperSettings(hosts, chroot, sessionTimeout, connectionTimeout, Optional.of(userAndPassword));
    }

    /**
     * The connect string. Hosts are sorted, so two configs that list the same ensemble in a different
     * order share one client (as the originals pool connections per sorted host list).
     */
    public String connectString() {
        return String.join(",", hosts.stream().map(String::trim).sorted().toList()) + chroot;
    }
}
