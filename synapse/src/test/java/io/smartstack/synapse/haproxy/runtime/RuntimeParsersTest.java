package io.smartstack.synapse.haproxy.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smartstack.synapse.haproxy.runtime.RuntimeCommand.AdminState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RuntimeParsersTest {
    private static final String HEADER = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"
            + " srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health"
            + " srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl"
            + " srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n";

    @Test
    void parsesServersStateAsHaproxy26WritesIt() {
        String answer = HEADER
                + "2 web 5 a_10.0.0.1:80 10.0.0.1 2 0 1 1 12 6 3 4 6 0 0 1 - 80 - 0 0 - - 0\n"
                + "2 web 7 b_10.0.0.2:81 10.0.0.2 0 8 3 1 1 1 0 2 0 0 0 1 - 81 - 0 0 - - 0\n\n";

        List<RuntimeServer> servers = RuntimeParsers.serversState(answer);

        assertEquals(
                List.of(
                        new RuntimeServer("web", 5, "a_10.0.0.1:80", "10.0.0.1", 80, 2, 0, 1),
                        new RuntimeServer("web", 7, "b_10.0.0.2:81", "10.0.0.2", 81, 0, 8, 3)),
                servers);
    }

    @Test
    void anEmptyServersStateHasNoServers() {
        assertEquals(List.of(), RuntimeParsers.serversState(HEADER));
        assertEquals(List.of(), RuntimeParsers.serversState("1\n"));
    }

    @Test
    void aTruncatedServersStateLineIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> RuntimeParsers.serversState(HEADER + "2 web 5 a\n"));
    }

    @Test
    void cutsOutTheFieldsSplitWouldGiveEmptyAndExtraFieldsIncluded() {
        Map<String, Integer> columns = Map.of("a", 0, "b", 1, "c", 2, "d", 3);
        List<String> wanted = List.of("d", "b", "a");
        for (String line : List.of("w x y z", "w  y z", "w x y z extra more", "w x y z ", "w x  z")) {
            String[] split = line.split(" ");
            assertArrayEquals(
                    new String[] {split[3], split[1], split[0]},
                    RuntimeParsers.fields(line, columns, wanted),
                    "line '" + line + "'");
        }
        // fewer fields than the header has columns, trailing empty ones not counted (as split drops them)
        for (String line : List.of("w x y", "w x y ", "w x y  ")) {
            assertThrows(IllegalArgumentException.class, () -> RuntimeParsers.fields(line, columns, wanted), line);
        }
    }

    static Stream<Arguments> adminFlags() {
        return Stream.of(
                Arguments.of(0, 2, AdminState.READY, "up"),
                Arguments.of(0, 0, AdminState.READY, "down"),
                Arguments.of(0x01, 2, AdminState.MAINT, "maint"),
                Arguments.of(0x04, 0, AdminState.MAINT, "maint"),
                Arguments.of(0x08, 2, AdminState.DRAIN, "drain"),
                Arguments.of(0x10, 2, AdminState.DRAIN, "drain"),
                Arguments.of(0x09, 2, AdminState.MAINT, "maint"),
                Arguments.of(0x20, 2, AdminState.MAINT, "maint"));
    }

    @ParameterizedTest
    @MethodSource("adminFlags")
    void adminFlagsMapToStates(int flags, int operational, AdminState state, String described) {
        RuntimeServer server = new RuntimeServer("b", 1, "s", "h", 1, operational, flags, 1);
        assertEquals(state, server.adminState());
        assertEquals(described, server.describe());
    }

    @Test
    void parsesShowStatServerRowsOnly() {
        String answer = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,status,check_status,\n"
                + "web,FRONTEND,,,3,5,2000,100,0,0,OPEN,,\n"
                + "web,a,0,0,2,4,,57,0,0,UP,L7OK,\n"
                + "web,b,0,0,0,1,,3,0,0,MAINT,L4CON,\n"
                + "web,BACKEND,0,0,2,5,200,60,0,0,UP,,\n";

        Map<String, Map<String, ServerStats>> stats = RuntimeParsers.stat(answer);

        assertEquals(
                Map.of(
                        "web",
                        Map.of(
                                "a",
                                new ServerStats(2, 57, "UP", "L7OK"),
                                "b",
                                new ServerStats(0, 3, "MAINT", "L4CON"))),
                stats);
    }

    @Test
    void parsesInfoBackendsAndVersion() {
        Map<String, String> info = RuntimeParsers.info("Name: HAProxy\nVersion: 2.6.12-1+deb12u4\nPid: 8324\n");
        assertEquals("8324", info.get("Pid"));
        assertArrayEquals(new int[] {2, 6}, RuntimeParsers.version(info));
        assertEquals(Set.of("web", "api"), RuntimeParsers.backends("# name\nweb\napi\n"));
    }

    @Test
    void readsChosenInfoKeysAsTheWholeParseGivesThem() {
        String answer = "Name: HAProxy\nVersion: 2.6.12-1+deb12u4\nPidfile: /run/x\nPid: 8324 \nStopping: 0\n"
                + "Process_num: 1\nStopping_x: 9";
        Set<String> keys = Set.of("Pid", "Stopping", "Version", "Absent");
        Map<String, String> whole = RuntimeParsers.info(answer);
        Map<String, String> chosen = RuntimeParsers.info(answer, keys);
        assertEquals(Map.of("Pid", "8324", "Stopping", "0", "Version", "2.6.12-1+deb12u4"), chosen);
        chosen.forEach((key, value) -> assertEquals(whole.get(key), value, key));
        assertEquals(Map.of("Pid", "1"), RuntimeParsers.info("Pid: 1", keys)); // the last line has no newline
    }

    @ParameterizedTest
    @CsvSource({"2.6.12-1+deb12u4,2,6", "2.4.22,2,4", "3.0.0,3,0", "2.10-dev1,2,10"})
    void readsMajorAndMinorVersions(String version, int major, int minor) {
        assertArrayEquals(new int[] {major, minor}, RuntimeParsers.version(Map.of("Version", version)));
    }
}
