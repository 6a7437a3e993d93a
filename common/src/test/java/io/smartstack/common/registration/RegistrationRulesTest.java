package io.smartstack.common.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationRulesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.1",
                "255.255.255.255",
                "0.0.0.0",
                "::1",
                "fe80::1",
                "2001:db8::8a2e:370:7334",
                "::ffff:10.0.0.1",
                "localhost",
                "web-01.example.com",
                "a",
                "1a.example",
                "xn--bcher-kva.example"
            })
    void acceptsIpLiteralsAndHostNames(String host) {
        assertThat(RegistrationRules.host(host)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "10.0.0.1\nlisten evil",
                "10.0.0.1 backup",
                "256.1.1.1",
                "010.0.0.1",
                "1.2.3",
                "[::1]",
                "fe80::1%eth0",
                "::g",
                "-web.example",
                "web-.example",
                "web..example",
                "web.example.",
                "under_score.example",
                "web example",
                "web#1",
                "tab\there"
            })
    void refusesAnythingElseAsHost(String host) {
        assertThat(RegistrationRules.host(host))
                .get()
                .extracting(DecodeResult.Rejected::kind)
                .isEqualTo(RejectionKind.HOST);
    }

    @Test
    void hostNamesAreLimitedInLength() {
        String label = "a".repeat(63);
        assertThat(RegistrationRules.host(label)).isEmpty();
        assertThat(RegistrationRules.host("a".repeat(64))).isPresent();
        String longest = String.join(".", label, label, label, "a".repeat(61)); // 253 characters
        assertThat(RegistrationRules.host(longest)).isEmpty();
        assertThat(RegistrationRules.host(longest + "a")).isPresent();
    }

    @ParameterizedTest
    @CsvSource({"0,false", "1,true", "65535,true", "65536,false", "-1,false"})
    void portIsOneTo65535(int port, boolean accepted) {
        assertThat(RegistrationRules.port(port).isEmpty()).isEqualTo(accepted);
    }

    @ParameterizedTest
    @CsvSource({"0,true", "256,true", "257,false", "-1,false"})
    void weightIsZeroTo256(int weight, boolean accepted) {
        assertThat(RegistrationRules.weight(weight).isEmpty()).isEqualTo(accepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"i-0abc", "web_01.example:2", "", "A-Z.a_z:0-9"})
    void namesUseOnlyServerNameCharacters(String name) {
        assertThat(RegistrationRules.name(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"two words", "a/b", "semi;colon", "new\nline", "quote\"", "ü"})
    void namesWithOtherCharactersAreRefused(String name) {
        assertThat(RegistrationRules.name(name))
                .get()
                .extracting(DecodeResult.Rejected::kind)
                .isEqualTo(RejectionKind.NAME);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "check\nlisten evil\n\tbind 127.0.0.1:9",
                "check\r",
                "check\u0000",
                "check # weight 0",
                "check \"x\"",
                "sni 'a'",
                "check\\",
                "check\u2028"
            })
    void serverOptionsRefuseLineBreaksCommentsAndQuoting(String options) {
        assertThat(RegistrationRules.serverOptions(options))
                .get()
                .extracting(DecodeResult.Rejected::kind)
                .isEqualTo(RejectionKind.SERVER_OPTIONS);
    }

    @Test
    void ordinaryServerOptionsPass() {
        assertThat(RegistrationRules.serverOptions("check inter 2s rise 3 fall 2 maxconn 100 sni str(api.example)"))
                .isEmpty();
    }

    @Test
    void labelsWithoutControlCharactersPass() {
        assertThat(RegistrationRules.labels(Map.of("az", "us-east-1a", "team", "Zahlungsverkehr ü")))
                .isEmpty();
        assertThat(RegistrationRules.labels(Map.of("az", "a\nb"))).isPresent();
        assertThat(RegistrationRules.labels(Map.of("a\u0007", "b"))).isPresent();
        assertThat(RegistrationRules.labels(Map.of("", "b"))).isPresent();
    }

    @Test
    void rejectionReasonsEscapeControlCharacters() {
        Optional<DecodeResult.Rejected> problem = RegistrationRules.host("a\nlisten x");
        assertThat(problem.get().reason()).doesNotContain("\n").contains("'a\\nlisten x'");
    }

    @Test
    void decodingAppliesTheRulesToEveryField() {
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80,\"haproxy_server_options\":\"check\\nlisten x\"}"))
                .isEqualTo(RejectionKind.SERVER_OPTIONS);
        assertThat(decode("{\"host\":\"10.0.0.1\\nlisten x\",\"port\":80}")).isEqualTo(RejectionKind.HOST);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":0}")).isEqualTo(RejectionKind.PORT);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80,\"name\":\"a b\"}"))
                .isEqualTo(RejectionKind.NAME);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80,\"weight\":300}")).isEqualTo(RejectionKind.WEIGHT);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80,\"weight\":\"heavy\"}"))
                .isEqualTo(RejectionKind.WEIGHT);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80,\"labels\":{\"az\":{\"x\":1}}}"))
                .isEqualTo(RejectionKind.LABELS);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80,\"labels\":[1]}")).isEqualTo(RejectionKind.LABELS);
        assertThat(decode("{\"host\":7,\"port\":80}")).isEqualTo(RejectionKind.HOST);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80,\"haproxy_server_options\":[\"check\"]}"))
                .isEqualTo(RejectionKind.SERVER_OPTIONS);
    }

    @Test
    void decodingIsStrictJson() {
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80} trailing")).isEqualTo(RejectionKind.NOT_JSON);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"host\":\"10.0.0.2\",\"port\":80}"))
                .isEqualTo(RejectionKind.NOT_JSON);
        byte[] invalidUtf8 =
                "{\"host\":\"10.0.0.1\",\"port\":80,\"name\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(kind(RegistrationCodec.decode("n_1", invalidUtf8, RegistrationFormat.NERVE)))
                .isEqualTo(RejectionKind.NOT_JSON);
    }

    @Test
    void dataAboveTheSizeLimitIsRefusedBeforeParsing() {
        String padding = " ".repeat(RegistrationRules.MAX_DATA_BYTES);
        assertThat(decode("{\"host\":\"10.0.0.1\",\"port\":80}" + padding)).isEqualTo(RejectionKind.TOO_LARGE);
    }

    private static RejectionKind decode(String json) {
        return kind(RegistrationCodec.decode(
                "n_0000000001", json.getBytes(StandardCharsets.UTF_8), RegistrationFormat.NERVE));
    }

    private static RejectionKind kind(DecodeResult result) {
        return result instanceof DecodeResult.Rejected rejected ? rejected.kind() : null;
    }
}
