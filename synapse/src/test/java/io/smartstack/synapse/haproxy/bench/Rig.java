package io.smartstack.synapse.haproxy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.synapse.haproxy.live.LiveHaproxy;
import io.smartstack.synapse.model.ConfigGenerator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;

/**
 * One benchmark setup: a managed HAProxy, a generator, the discovery stand-in on its own ZooKeeper
 * client, and a writer client playing Nerve.
 */
final class Rig implements AutoCloseable {
    final LiveHaproxy haproxy;
    final ConfigGenerator generator;
    final CuratorFramework writer;
    final CuratorFramework watcher;
    final BenchDiscovery discovery;

    Rig(String connectString, String settings) throws Exception {
        haproxy = new LiveHaproxy(settings);
        generator = haproxy.newGenerator();
        generator.start();
        writer = client(connectString);
        watcher = client(connectString);
        discovery = new BenchDiscovery(watcher, generator);
    }

    static CuratorFramework client(String connectString) throws InterruptedException {
        CuratorFramework client =
                CuratorFrameworkFactory.newClient(connectString, 30_000, 5_000, new RetryOneTime(100));
        client.start();
        client.blockUntilConnected();
        return client;
    }

    /** Registers like Nerve: an ephemeral sequential znode {@code <name>_<sequence>}; returns its path. */
    String register(String service, Registration registration) throws Exception {
        return writer.create()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(
                        BenchDiscovery.path(service) + "/" + registration.name() + "_",
                        RegistrationCodec.encode(registration));
    }

    void watch(String service, JsonNode section) throws Exception {
        discovery.watch(service, section);
    }

    @Override
    public void close() throws Exception {
        discovery.close();
        generator.close();
        watcher.close();
        writer.close();
        haproxy.close();
    }
}
