package io.smartstack.synapse.discovery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.config.DiscoveryConfig;
import io.smartstack.synapse.fakes.RecordingSink;
import io.smartstack.synapse.model.Backend;
import io.smartstack.testing.ZooKeeperObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With persistent watches (ZooKeeper 3.6+), a path-encoded Nerve registration ({@code base64_...},
 * Nerve's {@code use_path_encoding}) costs no read: the name is the registration. The load shows it
 * with a znode nobody may read. (ZooKeeper delivers no persistent-watch event for a znode the watcher
 * may not read, so the registration added later is readable, with empty data: only its name can
 * supply it.)
 */
class PathEncodedRegistrationsTest {
    private static final String PATH = "/nerve/unreadable/services";
    private static final List<ACL> UNREADABLE =
            List.of(new ACL(ZooDefs.Perms.ALL & ~ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));

    private final RecordingSink sink = new RecordingSink();
    private final ExecutorService events = Executors.newSingleThreadExecutor();
    private TestingServer server;
    private CuratorFramework writer;
    private ZooKeeperClients clients;
    private ZooKeeperWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(true);
        writer = ZooKeeperObserver.connected(server.getConnectString());
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (clients != null) {
            clients.close();
        }
        events.shutdownNow();
        writer.close();
        server.close();
    }

    @Test
    void aPathEncodedNameIsTheRegistrationAndItsZnodeIsNeverRead() throws Exception {
        String first = create(Registration.of("10.0.3.1", 8080, "i-1"), UNREADABLE, true);
        clients = new ZooKeeperClients(sink);
        DiscoveryConfig.ZooKeeper config = new DiscoveryConfig.ZooKeeper(
                List.of(server.getConnectString()), PATH, RegistrationFormat.NERVE, Optional.empty(), Optional.empty());
        watcher = new ZooKeeperWatcher(
                "encoded", config, clients.acquire(config.hosts()), sink, events, Clock.systemUTC());
        watcher.start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sink.backends("encoded") != null
                        && sink.backends("encoded").size() == 1);
        Backend loaded = sink.backends("encoded").get(0);
        assertEquals("10.0.3.1", loaded.host());
        assertEquals(
                Long.parseLong(first.substring(first.lastIndexOf('_') + 1)),
                loaded.id().getAsLong());

        String second = create(Registration.of("10.0.3.2", 8081, "i-2"), ZooDefs.Ids.OPEN_ACL_UNSAFE, false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sink.backends("encoded").size() == 2);
        assertEquals(
                List.of("10.0.3.1:8080", "10.0.3.2:8081"),
                sink.backends("encoded").stream()
                        .map(b -> b.host() + ":" + b.port())
                        .sorted()
                        .toList());

        writer.delete().forPath(second);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sink.backends("encoded").size() == 1);
        assertEquals("10.0.3.1", sink.backends("encoded").get(0).host());
    }

    private String create(Registration registration, List<ACL> acl, boolean withData) throws Exception {
        return writer.create()
                .creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .withACL(acl)
                .forPath(
                        PATH + "/" + RegistrationCodec.childNamePrefix(registration, registration.name(), true),
                        withData ? RegistrationCodec.encode(registration) : new byte[0]);
    }
}
