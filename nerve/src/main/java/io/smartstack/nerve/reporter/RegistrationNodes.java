package io.smartstack.nerve.reporter;

import io.smartstack.common.zookeeper.ServerVersion;
import io.smartstack.common.zookeeper.ServerVersions;
import io.smartstack.nerve.config.NodeType;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The ZooKeeper operations on one service's registration nodes (blocking; run on the writer thread).
 * Sequential types get a new {@code <prefix><sequence>} node each time; a fixed-path node that already
 * exists is taken over: an ephemeral one of another session is deleted and created again in one
 * transaction (no moment without it), a persistent one gets its data set (as the original does).
 * Parents are created as persistent nodes. Every call is one ZooKeeper 3.4 implements, except the create
 * that returns the new node's stat ({@code create2}), used only once the server is known to be 3.5 or
 * newer ({@link ServerVersions}); until then, and on 3.4, the owner is read with a second call.
 */
final class RegistrationNodes {
    private final CuratorFramework client;
    private final ACLProvider aclProvider;
    private final String prefix;
    private final byte[] data;
    private final NodeType type;

    RegistrationNodes(CuratorFramework client, ACLProvider aclProvider, String prefix, byte[] data, NodeType type) {
        this.client = client;
        this.aclProvider = aclProvider;
        this.prefix = prefix;
        this.data = data.clone();
        this.type = type;
    }

    /** Creates the registration for {@code session}; {@code leftovers} are nodes of ours it may replace. */
    OwnedZnodes.Node create(long session, List<String> leftovers) throws Exception {
        try {
            ServerVersion version = ServerVersions.of(client).getNow(ServerVersion.BEFORE_3_5);
            if (version.hasCreate2()) {
                Stat stat = new Stat();
                String path = client.create()
                        .storingStatIn(stat)
                        .creatingParentsIfNeeded()
                        .withMode(type.createMode())
                        .forPath(prefix, data);
                return new OwnedZnodes.Node(path, stat.getEphemeralOwner());
            }
            // 3.4 has no create2, and every create of Curator's builder is one: the plain create of the
            // ZooKeeper handle, parents as persistent nodes, then the owner read. Null: gone already.
            ZooKeeper zooKeeper = client.getZookeeperClient().getZooKeeper();
            ZKPaths.mkdirs(zooKeeper, prefix, false, aclProvider, false);
            String path = zooKeeper.create(prefix, data, aclProvider.getAclForPath(prefix), type.createMode());
            Stat stat = client.checkExists().forPath(path);
            return new OwnedZnodes.Node(path, stat == null ? 0 : stat.getEphemeralOwner());
        } catch (KeeperException.NodeExistsException e) {
            return takeOver();
        } catch (KeeperException.UnimplementedException e) {
            // The server dropped the connection too; say which server, not only "unimplemented".
            ServerVersion known = ServerVersions.of(client).getNow(null);
            throw new IllegalStateException(
                    "ZooKeeper server " + (known == null ? "(version not yet known)" : known)
                            + " does not implement a call Nerve made to register " + prefix,
                    e);
        }
    }

    private OwnedZnodes.Node takeOver() throws Exception {
        if (!type.isEphemeral()) {
            client.setData().forPath(prefix, data);
            return new OwnedZnodes.Node(prefix, 0);
        }
        Stat existing = client.checkExists().forPath(prefix);
        if (existing == null) {
            return create(0, List.of());
        }
        CuratorOp delete = client.transactionOp()
                .delete()
                .withVersion(existing.getVersion())
                .forPath(prefix);
        CuratorOp create =
                client.transactionOp().create().withMode(type.createMode()).forPath(prefix, data);
        List<CuratorTransactionResult> results = client.transaction().forOperations(delete, create);
        Stat stat = client.checkExists().forPath(results.get(1).getForPath());
        return new OwnedZnodes.Node(prefix, stat == null ? 0 : stat.getEphemeralOwner());
    }

    /** Sets the data again (bumps mtime for {@code ttl_seconds}). */
    void rewrite(String path) throws Exception {
        client.setData().forPath(path, data);
    }

    /** Deletes a node; one already gone is fine. */
    void delete(String path) throws Exception {
        try {
            client.delete().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // Already gone (session expiry, or deleted by someone else): the goal is reached.
        }
    }

    /** Sets a one-time watch on {@code path}; false when the node does not exist. */
    boolean watch(String path, Watcher watcher) throws Exception {
        return client.checkExists().usingWatcher(watcher).forPath(path) != null;
    }
}
