package io.smartstack.testing;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/** A plain Curator client a test uses to write or watch znodes beside the code under test. */
public final class ZooKeeperObserver {
    private ZooKeeperObserver() {}

    /** A started client, connected to {@code connectString} (fails the test if it cannot connect in 10 s). */
    public static CuratorFramework connected(String connectString) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, new RetryOneTime(100));
        client.start();
        if (!client.blockUntilConnected(10, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("cannot connect to ZooKeeper at " + connectString + " within 10 s");
        }
        return client;
    }
}
