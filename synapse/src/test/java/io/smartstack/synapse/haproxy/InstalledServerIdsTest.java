package io.smartstack.synapse.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InstalledServerIdsTest {
    @Test
    void readsTheIdsOfServerLinesInBackendAndListenSections() {
        String config = "global\n\tstats socket /run/h.sock\n\nfrontend web\n\tbind :1\n\n"
                + "backend web\n\tmode http\n\tserver i-1_10.0.0.1:80 10.0.0.1:80 id 7 cookie x check\n"
                + "\tserver i-2_10.0.0.2:80 10.0.0.2:80 cookie y\n"
                + "\tserver bad 10.0.0.3:80 id seven\n\n"
                + "listen db\n\tserver d_h:5 h:5 check id 3\n";
        assertEquals(
                Map.of("web", Map.of("i-1_10.0.0.1:80", 7), "db", Map.of("d_h:5", 3)), InstalledServerIds.read(config));
    }

    @Test
    void anEmptyConfigHasNoIds() {
        assertEquals(Map.of(), InstalledServerIds.read(""));
    }
}
