package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.synapse.haproxy.config.ListenSplitter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalanceAndListenTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "balance roundrobin|''|true",
                "balance roundrobin|balance static-rr|false",
                "''|balance leastconn|true",
                "''|balance source|false",
                "''|balance source;hash-type consistent|true",
                "hash-type consistent|balance uri|true",
                "''|balance hdr(host)|false",
                "''|balance random|true",
                "''|balance first|true"
            })
    void knowsWhichAlgorithmsAcceptDynamicServers(String defaults, String backend, boolean accepts) {
        assertEquals(accepts, BalanceAlgorithms.acceptsDynamicServers(lines(defaults), lines(backend)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "mode http|true|true",
                "option httpchk GET /|false|true",
                "option httplog|true|false",
                "bind :80|true|false",
                "timeout client 5s|true|false",
                "timeout server 5s|false|true",
                "http-check expect status 200|false|true",
                "balance leastconn|false|true",
                "http-request set-header A b|true|true",
                "some-future-directive on|true|true",
                "no option http-server-close|true|true"
            })
    void splitsListenLinesBetweenFrontendAndBackend(String line, boolean frontend, boolean backend) {
        assertEquals(frontend, ListenSplitter.frontendPart(List.of(line)).size() == 1);
        assertEquals(backend, ListenSplitter.backendPart(List.of(line)).size() == 1);
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split(";"));
    }
}
