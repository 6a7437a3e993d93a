package io.smartstack.nerve.config;

import io.smartstack.common.zookeeper.ZooKeeperSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ZooKeeper reporter keys of one service.
 *
 * @param hosts {@code zk_hosts}
 * @param path {@code zk_path}, the parent of the registration znode
 * @param nodeType {@code node_type}
 * @param ttl {@code ttl_seconds}: for persistent node types, how often the data is re-set so its
 *     mtime moves
 * @param pathEncoding {@code use_path_encoding}
 * @param sessionTimeout {@code zk_session_timeout}
 * @param digest {@code zk_digest}, {@code user:password} for digest auth
 */
public record ZooKeeperReporterConfig(
        List<String> hosts,
        String path,
        NodeType nodeType,
        Optional<Duration> ttl,
        boolean pathEncoding,
        Optional<Duration> sessionTimeout,
        Optional<String> digest) {

    public ZooKeeperReporterConfig {
        hosts = List.copyOf(hosts);
    }

    /** Settings of the client; services with equal settings share one client and session. */
    public ZooKeeperSettings settings() {
        ZooKeeperSettings settings = ZooKeeperSettings.of(hosts);
        if (sessionTimeout.isPresent()) {
            settings = settings.withSessionTimeout(sessionTimeout.get());
        }
        if (digest.isPresent()) {
            settings = settings.withDigest(digest.get());
        }
        return settings;
    }
}
