package io.smartstack.synapse.discovery;

import io.smartstack.common.zookeeper.ServerVersion;

/**
 * Every case of {@link ZooKeeperWatcherTest} with the ordinary watches Synapse uses against ZooKeeper 3.4
 * and 3.5 servers (Curator's TreeCache), here on a newer in-process server.
 */
class ZooKeeperWatcherOrdinaryWatchesTest extends ZooKeeperWatcherTest {
    @Override
    ZooKeeperWatcher.WatchMode mode(ServerVersion version) {
        return ZooKeeperWatcher.WatchMode.ORDINARY;
    }
}
