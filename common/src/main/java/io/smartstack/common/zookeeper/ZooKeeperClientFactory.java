package io.smartstack.common.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.DefaultACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * Builds Curator clients from {@link ZooKeeperSettings}: exponential-backoff retry of each operation (100 ms
 * doubling to 10 s, 29 times, Curator's limit; the connection itself is retried without end, and
 * the daemons retry failed operations on their own schedule, so an outage never makes one give up), the configured
 * session timeout and, with digest credentials, an ACL that lets only that identity change what it
 * creates while everyone may read.
 *
 * <p>The client is returned unstarted; the caller starts and closes it. Before the first, the JVM's default TLS
 * context is made one that is built only when used ({@link DeferredDefaultTlsContext}): ZooKeeper's client would
 * otherwise build it at once, for nothing but a list of protocol names.
 */
public final class ZooKeeperClientFactory {
    private ZooKeeperClientFactory() {}

    public static CuratorFramework create(ZooKeeperSettings settings) {
        return create(settings, new ExponentialBackoffRetry(100, 29, 10_000));
    }

    /** As {@link #create(ZooKeeperSettings)}, with {@code retryPolicy} for each operation instead of the default. */
    public static CuratorFramework create(ZooKeeperSettings settings, RetryPolicy retryPolicy) {
        DeferredDefaultTlsContext.prepareZooKeeperClient();
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs(Math.toIntExact(settings.sessionTimeout().toMillis()))
                .connectionTimeoutMs(
                        Math.toIntExact(settings.connectionTimeout().toMillis()))
                .retryPolicy(retryPolicy);
        settings.digest()
                .ifPresent(credentials -> builder.authorization("digest", credentials.getBytes(StandardCharsets.UTF_8))
                        .aclProvider(new WriterOnlyAclProvider()));
        return builder.build();
    }

    /**
     * The ACLs the clients of {@link #create} give the nodes they create, for a create made on the plain
     * ZooKeeper handle (ZooKeeper 3.4 servers, which lack the create call Curator's builder makes).
     */
    public static ACLProvider aclProvider(ZooKeeperSettings settings) {
        return settings.digest().isPresent() ? new WriterOnlyAclProvider() : new DefaultACLProvider();
    }

    /**
     * The creator may do everything; anyone may read (Synapse needs no credentials to discover). Lists are
     * mutable copies: ZooKeeper's ACL validation calls {@code contains(null)}, which immutable lists refuse.
     */
    static final class WriterOnlyAclProvider implements ACLProvider {
        private static final List<ACL> ACLS = List.of(
                new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));

        @Override
        public List<ACL> getDefaultAcl() {
            return new ArrayList<>(ACLS);
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return new ArrayList<>(ACLS);
        }
    }
}
