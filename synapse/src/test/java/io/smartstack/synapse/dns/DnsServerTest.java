package io.smartstack.synapse.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The DNS generator on real UDP and TCP sockets, asked by dnsjava's resolver and by dig. */
class DnsServerTest {
    private DnsGenerator generator;

    @BeforeEach
    void start() throws Exception {
        generator = new DnsGenerator(new DnsSettings(
                "127.0.0.1", 0, Name.fromConstantString("smartstack.internal."), Duration.ofSeconds(3), Set.of()));
        generator.start();
    }

    @AfterEach
    void stop() {
        generator.close();
    }

    @Test
    void answersTheBackendsOverUdpAndTcpAndFollowsEachNewState() throws Exception {
        generator.apply(
                DnsTableTest.state("web", DnsTableTest.backend("10.0.0.1", 80), DnsTableTest.backend("10.0.0.2", 81)));
        for (boolean tcp : List.of(false, true)) {
            Message answer = ask("web.smartstack.internal.", Type.A, tcp);
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(data(answer, Section.ANSWER)).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
            assertThat(answer.getSection(Section.ANSWER))
                    .allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(3));
        }
        generator.apply(DnsTableTest.state("web", DnsTableTest.backend("10.0.0.2", 81)));
        assertThat(data(ask("web.smartstack.internal.", Type.A, false), Section.ANSWER))
                .containsExactly("10.0.0.2");
    }

    @Test
    void srvAnswersCarryPortsWeightsAndTheTargetsAddresses() throws Exception {
        generator.apply(DnsTableTest.state("web", DnsTableTest.backend("10.0.0.1", 8080)));
        Message answer = ask("web.smartstack.internal.", Type.SRV, false);
        assertThat(data(answer, Section.ANSWER)).containsExactly("0 1 8080 10-0-0-1.addr.smartstack.internal.");
        assertThat(data(answer, Section.ADDITIONAL)).containsExactly("10.0.0.1");
    }

    @Test
    void unknownNamesAreNxdomainWithTheShortNegativeTtl() throws Exception {
        generator.apply(DnsTableTest.state("web", DnsTableTest.backend("10.0.0.1", 80)));
        Message answer = ask("api.smartstack.internal.", Type.A, false);
        assertThat(answer.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        Record soa = answer.getSection(Section.AUTHORITY).get(0);
        assertThat(soa.getType()).isEqualTo(Type.SOA);
        assertThat(soa.getTTL()).isEqualTo(3);
        assertThat(ask("web.smartstack.internal.", Type.AAAA, false).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("example.org.", Type.A, false).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        List<Backend> many = new ArrayList<>();
        for (int i = 1; i <= 120; i++) {
            many.add(DnsTableTest.backend("10.0.1." + i, 80));
        }
        generator.apply(DesiredState.of(List.of(new ServiceState("web", many, Map.of()))));
        SimpleResolver udp = resolver(false);
        udp.setIgnoreTruncation(true);
        Message cut = udp.send(query("web.smartstack.internal.", Type.A));
        assertThat(cut.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(ask("web.smartstack.internal.", Type.A, true).getSection(Section.ANSWER))
                .hasSize(120);
    }

    @Test
    void digSeesExactlyTheBackendsAndNxdomain() throws Exception {
        generator.apply(
                DnsTableTest.state("web", DnsTableTest.backend("10.0.0.1", 80), DnsTableTest.backend("::1", 81)));
        assertThat(dig("web.smartstack.internal", "A", "+short")).containsExactly("10.0.0.1");
        assertThat(dig("web.smartstack.internal", "AAAA", "+short")).containsExactly("::1");
        assertThat(dig("web.smartstack.internal", "SRV", "+short", "+tcp"))
                .containsExactlyInAnyOrder(
                        "0 1 80 10-0-0-1.addr.smartstack.internal.",
                        "0 1 81 0-0-0-0-0-0-0-1.addr.smartstack.internal.");
        assertThat(String.join("\n", dig("nope.smartstack.internal", "A"))).contains("status: NXDOMAIN");
    }

    @Test
    void garbageIsDroppedOrRefusedAndTheServerKeepsAnswering() throws Exception {
        generator.apply(DnsTableTest.state("web", DnsTableTest.backend("10.0.0.1", 80)));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(2000);
            byte[] junk = "not a dns message at all".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), generator.port()));
            byte[] buffer = new byte[512];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            socket.receive(reply);
            Message formerr = new Message(Arrays.copyOf(reply.getData(), reply.getLength()));
            assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
            socket.send(new DatagramPacket(new byte[3], 3, InetAddress.getLoopbackAddress(), generator.port()));
        }
        assertThat(data(ask("web.smartstack.internal.", Type.A, false), Section.ANSWER))
                .containsExactly("10.0.0.1");
    }

    @Test
    void aTakenPortFailsTheStartWithTheAddress() throws Exception {
        DnsGenerator second = new DnsGenerator(new DnsSettings(
                "127.0.0.1", generator.port(), Name.fromConstantString("x."), Duration.ofSeconds(1), Set.of()));
        try (second) {
            assertThatThrownBy(second::start).hasMessageContaining("127.0.0.1:" + generator.port());
        }
        assertThat(data(ask("web.smartstack.internal.", Type.A, false), Section.ANSWER))
                .isEmpty();
    }

    private SimpleResolver resolver(boolean tcp) throws IOException {
        SimpleResolver resolver =
                new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), generator.port()));
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver;
    }

    private Message ask(String name, int type, boolean tcp) throws IOException {
        return resolver(tcp).send(query(name, type));
    }

    private static Message query(String name, int type) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    }

    private static List<String> data(Message message, int section) {
        return DnsQueries.rdata(message, section);
    }

    private List<String> dig(String... arguments) throws Exception {
        return DnsQueries.dig(generator.port(), arguments);
    }
}
