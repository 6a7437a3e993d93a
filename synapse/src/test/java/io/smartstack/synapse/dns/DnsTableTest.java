package io.smartstack.synapse.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;

class DnsTableTest {
    static final DnsSettings SETTINGS = new DnsSettings(
            "127.0.0.1", 0, Name.fromConstantString("smartstack.internal."), Duration.ofSeconds(5), Set.of("hidden"));

    static Backend backend(String host, int port, String name, BackendOrigin origin, OptionalInt weight) {
        return new Backend(host, port, name, OptionalLong.empty(), weight, Optional.empty(), Map.of(), origin);
    }

    static Backend backend(String host, int port) {
        return backend(host, port, "i-" + port, BackendOrigin.REGISTRY, OptionalInt.empty());
    }

    static DesiredState state(String service, Backend... backends) {
        return DesiredState.of(List.of(new ServiceState(service, List.of(backends), Map.of())));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "IPv4 backends are A records",
                        List.of(backend("10.0.0.1", 80), backend("10.0.0.2", 81)),
                        List.of("10.0.0.1", "10.0.0.2"),
                        List.of(),
                        2),
                Arguments.of(
                        "IPv6 backends are AAAA records",
                        List.of(backend("::1", 80), backend("10.0.0.1", 80)),
                        List.of("10.0.0.1"),
                        List.of("0:0:0:0:0:0:0:1"),
                        2),
                Arguments.of(
                        "two ports on one host: one A record, two SRV records",
                        List.of(backend("10.0.0.1", 80), backend("10.0.0.1", 81)),
                        List.of("10.0.0.1"),
                        List.of(),
                        2),
                Arguments.of(
                        "state-cache backends are in maintenance: left out",
                        List.of(
                                backend("10.0.0.1", 80),
                                backend("10.0.0.9", 80, "old", BackendOrigin.STATE_CACHE, OptionalInt.empty())),
                        List.of("10.0.0.1"),
                        List.of(),
                        1),
                Arguments.of(
                        "default servers are routed to: answered",
                        List.of(backend(
                                "10.0.0.3", 80, "fallback", BackendOrigin.DEFAULT_SERVERS, OptionalInt.empty())),
                        List.of("10.0.0.3"),
                        List.of(),
                        1),
                Arguments.of(
                        "host names get SRV records only (no lookup)",
                        List.of(backend("db.example.org", 5432)),
                        List.of(),
                        List.of(),
                        1),
                Arguments.of("no backends: the name exists with nothing", List.of(), List.of(), List.of(), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWhatTheServiceRoutesTo(
            String title, List<Backend> backends, List<String> a, List<String> aaaa, int srv) {
        DnsTable table = DnsTable.of(state("web", backends.toArray(Backend[]::new)), SETTINGS);
        DnsTable.Entry entry = table.lookup(Name.fromConstantString("web.smartstack.internal."))
                .orElseThrow();
        assertThat(addresses(entry.a())).containsExactlyInAnyOrderElementsOf(a);
        assertThat(addresses(entry.aaaa())).containsExactlyInAnyOrderElementsOf(aaaa);
        assertThat(entry.srv()).hasSize(srv);
        Stream.concat(entry.a().stream(), entry.srv().stream())
                .forEach(r -> assertThat(r.getTTL()).isEqualTo(5));
    }

    @Test
    void srvRecordsCarryPortWeightAndAResolvableTarget() {
        DnsTable table = DnsTable.of(
                state(
                        "web",
                        backend("10.0.0.1", 8080, "a", BackendOrigin.REGISTRY, OptionalInt.of(30)),
                        backend("db.example.org", 5432)),
                SETTINGS);
        List<SRVRecord> srv =
                table.lookup(Name.fromConstantString("web.smartstack.internal.")).orElseThrow().srv().stream()
                        .map(SRVRecord.class::cast)
                        .toList();
        assertThat(srv).extracting(SRVRecord::getPort).containsExactly(8080, 5432);
        assertThat(srv).extracting(SRVRecord::getWeight).containsExactly(30, 1);
        assertThat(srv.get(0).getTarget()).hasToString("10-0-0-1.addr.smartstack.internal.");
        assertThat(srv.get(1).getTarget()).hasToString("db.example.org.");
        assertThat(addresses(table.addressesOf(srv.get(0).getTarget()))).containsExactly("10.0.0.1");
    }

    @Test
    void namesAreCaseInsensitiveAndUnknownOnesAreAbsent() {
        DnsTable table = DnsTable.of(state("Web", backend("10.0.0.1", 80)), SETTINGS);
        assertThat(table.lookup(Name.fromConstantString("WEB.SmartStack.Internal.")))
                .isPresent();
        assertThat(table.lookup(Name.fromConstantString("api.smartstack.internal.")))
                .isEmpty();
    }

    @Test
    void disabledServicesAndNamesThatAreNotLabelsAreLeftOut() {
        DesiredState desired = DesiredState.of(List.of(
                new ServiceState("hidden", List.of(backend("10.0.0.1", 80)), Map.of()),
                new ServiceState("has.dot", List.of(backend("10.0.0.2", 80)), Map.of()),
                new ServiceState("-dash", List.of(backend("10.0.0.3", 80)), Map.of())));
        DnsTable table = DnsTable.of(desired, SETTINGS);
        assertThat(table.services()).isEmpty();
        assertThat(table.skipped()).containsExactlyInAnyOrder("has.dot", "-dash");
        assertThat(table.lookup(Name.fromConstantString("hidden.smartstack.internal.")))
                .isEmpty();
    }

    private static List<String> addresses(List<Record> records) {
        return records.stream().map(Record::rdataToString).toList();
    }
}
