package io.smartstack.common.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden bytes: the exact strings the original Nerve writes, and what the original Synapse accepts. */
class RegistrationCodecTest {
    private static Map<String, String> labels(String... keysAndValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            labels.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return labels;
    }

    static Stream<Arguments> originalBytes() {
        return Stream.of(
                Arguments.of(
                        Registration.of("10.0.0.5", 8080, "i-abc"),
                        "{\"host\":\"10.0.0.5\",\"port\":8080,\"name\":\"i-abc\"}"),
                Arguments.of(
                        Registration.of("10.0.0.5", 8080, "i-abc").withWeight(2).withLabels(labels("az", "us-east-1a")),
                        "{\"host\":\"10.0.0.5\",\"port\":8080,\"name\":\"i-abc\",\"weight\":2,\"labels\":{\"az\":\"us-east-1a\"}}"),
                Arguments.of(
                        Registration.of("web1.example.com", 443, "web1")
                                .withWeight(0)
                                .withHaproxyServerOptions("backup")
                                .withLabels(labels("region", "us-east-1", "az", "us-east-1b")),
                        "{\"host\":\"web1.example.com\",\"port\":443,\"name\":\"web1\",\"weight\":0,"
                                + "\"haproxy_server_options\":\"backup\",\"labels\":{\"region\":\"us-east-1\",\"az\":\"us-east-1b\"}}"),
                Arguments.of(
                        Registration.of("::1", 6379, "i-q")
                                .withHaproxyServerOptions("check inter 2s")
                                .withLabels(labels("note", "\"q\"")),
                        "{\"host\":\"::1\",\"port\":6379,\"name\":\"i-q\",\"haproxy_server_options\":\"check inter 2s\","
                                + "\"labels\":{\"note\":\"\\\"q\\\"\"}}"));
    }

    @ParameterizedTest
    @MethodSource("originalBytes")
    void encodesExactlyTheBytesOfTheOriginalAndDecodesThemBack(Registration registration, String original) {
        assertThat(new String(RegistrationCodec.encode(registration), StandardCharsets.UTF_8))
                .isEqualTo(original);

        DecodeResult decoded = RegistrationCodec.decode(
                "i-abc_0000000042", original.getBytes(StandardCharsets.UTF_8), RegistrationFormat.NERVE);
        assertThat(decoded).isEqualTo(new DecodeResult.Decoded(registration, OptionalLong.of(42)));
        assertThat(RegistrationCodec.encode(((DecodeResult.Decoded) decoded).registration()))
                .isEqualTo(original.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pathEncodedChildNameMatchesTheOriginalAndDecodesWithoutARead() {
        Registration registration =
                Registration.of("10.0.0.5", 8080, "i-abc").withWeight(2).withLabels(labels("az", "us-east-1a"));
        String prefix = RegistrationCodec.childNamePrefix(registration, "i-abc", true);
        assertThat(prefix)
                .isEqualTo("base64_116_eyJob3N0IjoiMTAuMC4wLjUiLCJwb3J0Ijo4MDgwLCJuYW1lIjoiaS1hYmMiLCJ3ZWlnaHQiOjIs"
                        + "ImxhYmVscyI6eyJheiI6InVzLWVhc3QtMWEifX0=_");

        Optional<DecodeResult.Decoded> decoded = RegistrationCodec.decodeChildName(prefix + "0000000007");
        assertThat(decoded).contains(new DecodeResult.Decoded(registration, OptionalLong.of(7)));
    }

    @Test
    void pathEncodingUsesTheUrlSafeAlphabet() {
        Registration registration = Registration.of("10.1.2.3", 3000, "i-ff").withLabels(labels("q", "??>"));
        String prefix = RegistrationCodec.childNamePrefix(registration, "i-ff", true);
        assertThat(prefix)
                .isEqualTo(
                        "base64_88_eyJob3N0IjoiMTAuMS4yLjMiLCJwb3J0IjozMDAwLCJuYW1lIjoiaS1mZiIsImxhYmVscyI6eyJxIjoiPz8-In19_");
        assertThat(RegistrationCodec.decodeChildName(prefix + "0000000001"))
                .map(d -> d.registration().labels().get("q"))
                .contains("??>");
    }

    @Test
    void plainChildNameIsTheInstanceIdAndAnUnderscore() {
        assertThat(RegistrationCodec.childNamePrefix(Registration.of("h", 1, "i-abc"), "i-abc", false))
                .isEqualTo("i-abc_");
        assertThat(RegistrationCodec.decodeChildName("i-abc_0000000001")).isEmpty();
    }

    @Test
    void undecodableEncodedNameFallsBackToReadingTheData() {
        assertThat(RegistrationCodec.decodeChildName("base64_12_!!notbase64!!_0000000001"))
                .isEmpty();
        assertThat(RegistrationCodec.decodeChildName("base64_999_abc_0000000001"))
                .isEmpty();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("not json at all", RejectionKind.NOT_JSON, "data is not JSON: 'not json at all'"),
                Arguments.of("[1,2]", RejectionKind.NOT_AN_OBJECT, "data is not a JSON object: '[1,2]'"),
                Arguments.of("{\"port\":80}", RejectionKind.HOST, "registration has no host"),
                Arguments.of("{\"host\":\"h\"}", RejectionKind.PORT, "registration has no port"),
                Arguments.of(
                        "{\"host\":\"h\",\"port\":\"http\"}",
                        RejectionKind.PORT,
                        "registration port is not a port number: '\"http\"'"),
                Arguments.of(
                        "{\"host\":\"h\",\"port\":70000}", RejectionKind.PORT, "port is not within 1 and 65535: 70000"),
                Arguments.of("", RejectionKind.NO_DATA, "znode has no data"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedRegistrationIsRejectedWithAReason(String data, RejectionKind kind, String reason) {
        assertThat(RegistrationCodec.decode(
                        "x_0000000001", data.getBytes(StandardCharsets.UTF_8), RegistrationFormat.NERVE))
                .isEqualTo(new DecodeResult.Rejected(kind, reason));
    }

    @Test
    void unknownFieldsAreIgnoredAndNumericStringsAccepted() {
        String data =
                "{\"host\":\"h\",\"port\":\"8080\",\"name\":\"n\",\"weight\":\"3\",\"zone\":\"x\",\"labels\":{\"az\":1}}";
        assertThat(RegistrationCodec.decode(
                        "n_0000000012", data.getBytes(StandardCharsets.UTF_8), RegistrationFormat.NERVE))
                .isEqualTo(new DecodeResult.Decoded(
                        new Registration("h", 8080, "n", OptionalInt.of(3), Optional.empty(), Map.of("az", "1")),
                        OptionalLong.of(12)));
    }

    @Test
    void idIsTheNumberAfterTheLastUnderscoreOnly() {
        assertThat(RegistrationCodec.sequenceId("i_abc_0000000042")).hasValue(42);
        assertThat(RegistrationCodec.sequenceId("member_")).isEmpty();
        assertThat(RegistrationCodec.sequenceId("i-abc")).isEmpty();
    }

    private static final String SERVERSET =
            "{\"additionalEndpoints\":{\"http\":{\"host\":\"10.0.0.9\",\"port\":31944}},"
                    + "\"serviceEndpoint\":{\"host\":\"10.0.0.9\",\"port\":31943},\"shard\":3,\"status\":\"ALIVE\"}";

    @Test
    void serversetUsesServiceEndpointAndShardAsName() {
        DecodeResult result = RegistrationCodec.decode(
                "member_0000000005",
                SERVERSET.getBytes(StandardCharsets.UTF_8),
                new RegistrationFormat.Serverset(Optional.empty()));
        assertThat(result)
                .isEqualTo(new DecodeResult.Decoded(Registration.of("10.0.0.9", 31943, "3"), OptionalLong.of(5)));
    }

    @Test
    void serversetCanUseANamedAdditionalEndpoint() {
        byte[] data = SERVERSET.getBytes(StandardCharsets.UTF_8);
        assertThat(RegistrationCodec.decode(
                        "member_0000000005", data, new RegistrationFormat.Serverset(Optional.of("http"))))
                .extracting(r -> ((DecodeResult.Decoded) r).registration().port())
                .isEqualTo(31944);
        assertThat(RegistrationCodec.decode(
                        "member_0000000005", data, new RegistrationFormat.Serverset(Optional.of("thrift"))))
                .isEqualTo(new DecodeResult.Rejected(
                        RejectionKind.NO_ENDPOINT, "serverset has no additionalEndpoints entry called thrift"));
    }
}
