package io.smartstack.synapse.haproxy.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessListTest {
    @Test
    void parsesMasterWorkersAndOldWorkers() {
        String answer = "#<PID>          <type>          <reloads>       <uptime>        <version>      \n"
                + "8323            master          3 [failed: 1]   0d00h00m07s     2.6.12-1+deb12u4\n"
                + "# workers\n"
                + "8615            worker          0               0d00h00m01s     2.6.12-1+deb12u4\n"
                + "# old workers\n"
                + "8500            worker          1               0d00h00m05s     2.6.12-1+deb12u4\n"
                + "# programs\n\n";

        assertEquals(new ProcessList(8323, 3, 1, List.of(8615L), List.of(8500L)), ProcessList.parse(answer));
    }

    @Test
    void anAnswerWithoutMasterIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ProcessList.parse("Unknown command.\n"));
    }
}
