package io.smartstack.synapse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.common.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code synapse validate} with the installed HAProxy 2.6: it renders the config, has {@code haproxy -c} check
 * it, reports HAProxy's messages with the key each line came from, and ends with the migration report.
 */
class SynapseValidateTest {
    @TempDir
    Path directory;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static String original(String extraSectionLine, String listenLine) {
        return """
                {
                \t"services": {
                \t\t"web": {
                \t\t\t"default_servers": [{"name": "web-fallback", "host": "127.0.0.1", "port": 8423}],
                \t\t\t"discovery": {
                \t\t\t\t"method": "zookeeper",
                \t\t\t\t"path": "/nerve/services/web/services",
                \t\t\t\t"hosts": ["127.0.0.1:2181"],
                \t\t\t\t"retry_policy": {"max_attempts": 5}
                \t\t\t},
                \t\t\t"haproxy": {
                \t\t\t\t"port": 3213,
                \t\t\t\t"server_options": "check inter 2s rise 3 fall 2",
                \t\t\t\t"listen": ["mode http", "option httpchk GET /health"%s]
                \t\t\t}
                \t\t}
                \t},
                \t"haproxy": {
                \t\t"reload_command": "true",
                \t\t"config_file_path": "/tmp/never-written/haproxy.cfg",
                \t\t"do_writes": false,
                \t\t"do_reloads": false,
                \t\t"do_socket": false,
                \t\t"global": ["maxconn 4096"],
                \t\t"defaults": ["timeout connect 5s", "timeout client 1m", "timeout server 1m"],
                \t\t"extra_sections": {
                \t\t\t"listen stats :3212": ["mode http", "stats enable", "stats uri /"%s]
                \t\t}
                \t}
                }
                """
                .formatted(listenLine, extraSectionLine);
    }

    private int validate(String text) throws Exception {
        Path file = directory.resolve("synapse.conf.json");
        Files.writeString(file, text);
        return SynapseMain.check(file, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void anOriginalConfigWithAListenTitleAddressPassesHaproxysCheck() throws Exception {
        int exit = validate(original("", ""));

        assertEquals(ExitCodes.OK, exit, out + "\n" + err);
        assertThat(out.toString())
                .contains("haproxy -c: the rendered config is valid")
                .contains("Migration report: keys in ")
                .contains("  haproxy.extra_sections: section titles with an address (listen NAME ADDR) are written as"
                        + " the title and a bind line")
                .contains("  services.web.discovery.retry_policy: ")
                .endsWith(": config OK\n");
        assertThat(err.toString())
                .contains("warning: haproxy.extra_sections.listen stats :3212: HAProxy 1.x section title with an"
                        + " address, refused by HAProxy 2");
    }

    @Test
    void aBadExtraSectionsLineFailsWithTheKeyItCameFrom() throws Exception {
        int exit = validate(original(", \"stats frobnicate yes\"", ""));

        assertEquals(ExitCodes.BAD_CONFIG, exit, out.toString());
        assertThat(out.toString())
                .contains("haproxy -c: ALERT at haproxy.extra_sections.\"listen stats :3212\"[3]: unknown stats"
                        + " parameter 'frobnicate'")
                .contains("haproxy -c refused the rendered config (exit ")
                .endsWith(": config refused by HAProxy\n")
                .doesNotContain(directory.toString() + "/synapse-validate");
    }

    @Test
    void aBadListenLineOfAServiceFailsWithItsKey() throws Exception {
        int exit = validate(original("", ", \"http-check expect bogus OK\""));

        assertEquals(ExitCodes.BAD_CONFIG, exit, out.toString());
        assertThat(out.toString()).contains("haproxy -c: ALERT at services.web.haproxy.listen[2]: ");
    }
}
