package io.smartstack.synapse.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.synapse.Synapse;
import io.smartstack.synapse.config.SynapseConfigLoader;
import io.smartstack.synapse.reconcile.Reconciler;
import io.smartstack.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The DNS interface end to end: registrations written to a real ZooKeeper in the original znode format
 * (as Nerve writes them for instances that pass its checks, each on its own session), the whole Synapse
 * in-process with the {@code dns} generator, asked by dnsjava's resolver and by dig. The answers are
 * exactly the registered backends, follow a registration added or gone (a deleted node, a closed
 * session) within one propagation, and unknown names are NXDOMAIN.
 */
class DnsThroughZooKeeperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGISTRATIONS = "/smartstack/web/services";
    /** Bound on one change's propagation: ZooKeeper watch, reconciler pass, table swap. */
    private static final Duration PROPAGATION = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    private final int dnsPort = FreePorts.next();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<CuratorFramework> sessions = new ArrayList<>();
    private TestingServer zookeeper;
    private Synapse synapse;

    @BeforeEach
    void startZooKeeper() throws Exception {
        zookeeper = new TestingServer(true);
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            if (synapse != null) {
                synapse.close();
            }
            sessions.forEach(CuratorFramework::close);
        } finally {
            zookeeper.close();
        }
    }

    @Test
    void answersExactlyTheRegisteredBackendsAndFollowsEachChangeWithinOnePropagation() throws Exception {
        CuratorFramework first = session();
        register(first, "i-1", "10.1.0.1", 8080, 10);
        CuratorFramework second = session();
        String secondNode = register(second, "i-2", "10.1.0.2", 8081, 20);
        startSynapse();

        awaitAnswer(
                System.nanoTime(),
                () -> addresses(ask("web.smartstack.internal.", Type.A)),
                List.of("10.1.0.1", "10.1.0.2"));
        assertThat(rdata(ask("web.smartstack.internal.", Type.SRV), Section.ANSWER))
                .containsExactlyInAnyOrder(
                        "0 10 8080 10-1-0-1.addr.smartstack.internal.", "0 20 8081 10-1-0-2.addr.smartstack.internal.");
        assertThat(dig("web.smartstack.internal", "A", "+short")).containsExactlyInAnyOrder("10.1.0.1", "10.1.0.2");
        assertThat(dig("web.smartstack.internal", "SRV", "+short"))
                .containsExactlyInAnyOrder(
                        "0 10 8080 10-1-0-1.addr.smartstack.internal.", "0 20 8081 10-1-0-2.addr.smartstack.internal.");
        assertThat(ask("web.smartstack.internal.", Type.A).getSection(Section.ANSWER))
                .allSatisfy(record -> assertThat(record.getTTL()).isEqualTo(1));

        // an instance comes up
        CuratorFramework third = session();
        long added = System.nanoTime();
        register(third, "i-3", "10.1.0.3", 8082, 30);
        Duration toAdded = awaitAnswer(
                added,
                () -> addresses(ask("web.smartstack.internal.", Type.A)),
                List.of("10.1.0.1", "10.1.0.2", "10.1.0.3"));
        assertThat(dig("web.smartstack.internal", "SRV", "+short", "+tcp"))
                .containsExactlyInAnyOrder(
                        "0 10 8080 10-1-0-1.addr.smartstack.internal.",
                        "0 20 8081 10-1-0-2.addr.smartstack.internal.",
                        "0 30 8082 10-1-0-3.addr.smartstack.internal.");

        // an instance deregisters (its node deleted), another one's session ends (a stopped Nerve)
        long removed = System.nanoTime();
        second.delete().forPath(secondNode);
        Duration toDeleted = awaitAnswer(
                removed, () -> addresses(ask("web.smartstack.internal.", Type.A)), List.of("10.1.0.1", "10.1.0.3"));
        long closed = System.nanoTime();
        first.close();
        sessions.remove(first);
        Duration toClosed = awaitAnswer(
                closed,
                () -> rdata(ask("web.smartstack.internal.", Type.SRV), Section.ANSWER),
                List.of("0 30 8082 10-1-0-3.addr.smartstack.internal."));
        assertThat(dig("web.smartstack.internal", "A", "+short")).containsExactly("10.1.0.3");

        System.out.printf(
                "dns through zookeeper: added answered after %d ms, deleted node after %d ms, closed session"
                        + " after %d ms (bound %d ms)%n",
                toAdded.toMillis(), toDeleted.toMillis(), toClosed.toMillis(), PROPAGATION.toMillis());
    }

    @Test
    void unknownNamesAreNxdomainAndAServiceWithoutBackendsAnswersEmpty() throws Exception {
        register(session(), "i-1", "10.1.0.1", 8080, 10);
        startSynapse();
        awaitAnswer(System.nanoTime(), () -> addresses(ask("web.smartstack.internal.", Type.A)), List.of("10.1.0.1"));

        assertThat(ask("nope.smartstack.internal.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask("nope.smartstack.internal.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(String.join("\n", dig("nope.smartstack.internal", "A"))).contains("status: NXDOMAIN");
        assertThat(ask("hidden.smartstack.internal.", Type.A).getRcode())
                .as("a service with dns disabled")
                .isEqualTo(Rcode.NXDOMAIN);
        Message empty = ask("idle.smartstack.internal.", Type.A);
        assertThat(empty.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(empty.getSection(Section.ANSWER)).isEmpty();

        JsonNode status = JSON.readTree(get("/status"));
        assertThat(status.path("generators").path("dns").path("port").asInt()).isEqualTo(dnsPort);
        assertThat(status.path("generators").path("dns").path("queries").asLong())
                .isGreaterThanOrEqualTo(5);
    }

    private CuratorFramework session() {
        CuratorFramework client =
                CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        client.start();
        sessions.add(client);
        return client;
    }

    /** Writes {@code {"host","port","name","weight"}} as an ephemeral sequential node; returns its path. */
    private static String register(CuratorFramework session, String name, String host, int port, int weight)
            throws Exception {
        Map<String, Object> registration = new LinkedHashMap<>();
        registration.put("host", host);
        registration.put("port", port);
        registration.put("name", name);
        registration.put("weight", weight);
        return session.create()
                .creatingParentsIfNeeded()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                .forPath(REGISTRATIONS + "/" + name + "_", JSON.writeValueAsBytes(registration));
    }

    private void startSynapse() throws Exception {
        Path config = directory.resolve("synapse.yaml");
        String discovery = "{method: zookeeper, hosts: [\"%s\"], path: %%s}".formatted(zookeeper.getConnectString());
        Files.writeString(
                config,
                """
                services:
                  web:
                    discovery: %s
                  idle:
                    discovery: %s
                  hidden:
                    discovery: %s
                    dns: {disabled: true}
                dns: {bind_address: 127.0.0.1, port: %d, domain: smartstack.internal, ttl: 1s}
                admin: {bind: 127.0.0.1, port: 0}
                """
                        .formatted(
                                discovery.formatted(REGISTRATIONS),
                                discovery.formatted("/smartstack/idle/services"),
                                discovery.formatted(REGISTRATIONS),
                                dnsPort));
        SynapseConfigLoader loader =
                new SynapseConfigLoader(List.of(new DnsFactory()), EnvironmentSubstitution.system());
        synapse = new Synapse(
                config,
                loader,
                new Reconciler.Settings(Duration.ofMillis(500), Duration.ofMinutes(5)),
                Clock.systemUTC());
        synapse.start();
    }

    /**
     * Waits (at most one propagation) until {@code answer} holds exactly {@code expected}; the time since
     * {@code startNanos}, when the change was written.
     */
    private static Duration awaitAnswer(long startNanos, Supplier<List<String>> answer, List<String> expected) {
        await().atMost(PROPAGATION).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(answer.get())
                .containsExactlyInAnyOrderElementsOf(expected));
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private Message ask(String name, int type) {
        try {
            SimpleResolver resolver =
                    new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), dnsPort));
            resolver.setTimeout(Duration.ofSeconds(2));
            return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
        } catch (IOException e) {
            throw new IllegalStateException("DNS query " + name + " failed", e);
        }
    }

    private static List<String> addresses(Message message) {
        return rdata(message, Section.ANSWER);
    }

    private static List<String> rdata(Message message, int section) {
        return DnsQueries.rdata(message, section);
    }

    private List<String> dig(String... arguments) throws Exception {
        return DnsQueries.dig(dnsPort, arguments);
    }

    private String get(String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + synapse.adminPort() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
