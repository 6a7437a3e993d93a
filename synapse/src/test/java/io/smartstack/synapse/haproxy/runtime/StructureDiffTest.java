package io.smartstack.synapse.haproxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StructureDiffTest {
    private static final String BASE = "global\n\tmaxconn 10\ndefaults\n\tmode http\n\n"
            + "frontend web\n\tbind localhost:3000\n\tdefault_backend web\n\n"
            + "backend web\n\tbalance roundrobin\n\tserver a 10.0.0.1:80 id 1 cookie a check\n"
            + "\tserver b 10.0.0.2:80 id 2 cookie b check\n";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("identical", BASE, List.of()),
                Arguments.of(
                        "server order",
                        BASE.replace("\tserver a 10.0.0.1:80 id 1 cookie a check\n", "")
                                + "\tserver a 10.0.0.1:80 id 1 cookie a check\n",
                        List.of()),
                Arguments.of(
                        "server added or removed",
                        BASE.replace("\tserver b 10.0.0.2:80 id 2 cookie b check\n", "")
                                + "\tserver c 10.0.0.3:80 id 3 cookie c check\n",
                        List.of()),
                Arguments.of(
                        "weight and disabled",
                        BASE.replace("cookie b check", "cookie b check weight 5 disabled"),
                        List.of()),
                Arguments.of(
                        "server options",
                        BASE.replace("cookie b check", "cookie b check inter 5s"),
                        List.of("options of server web/b changed")),
                Arguments.of(
                        "section lines",
                        BASE.replace("balance roundrobin", "balance leastconn"),
                        List.of("lines of section 'backend web' changed")),
                Arguments.of(
                        "global lines",
                        BASE.replace("maxconn 10", "maxconn 20"),
                        List.of("lines of section 'global' changed")),
                Arguments.of(
                        "new service",
                        BASE + "\nfrontend api\n\tbind localhost:3001\n\tdefault_backend api\n" + "\nbackend api\n",
                        List.of("section 'frontend api' is new", "section 'backend api' is new")),
                Arguments.of(
                        "removed frontend",
                        BASE.replace("frontend web\n\tbind localhost:3000\n\tdefault_backend web\n\n", ""),
                        List.of("section 'frontend web' was removed")),
                Arguments.of("whitespace only", BASE.replace("\tmaxconn 10", "    maxconn   10"), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void findsWhatOnlyAReloadCanApply(String name, String proposed, List<String> reasons) {
        assertEquals(
                reasons,
                StructureDiff.reasons(BASE, proposed).stream()
                        .map(ReloadReason::sentence)
                        .toList());
    }
}
