package io.smartstack.nerve.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.MigrationNotes;
import io.smartstack.common.config.MigrationNotes.Difference;
import java.util.List;

/**
 * The keys of a Nerve config that behave differently here than in the original Nerve, one line each,
 * for {@code nerve validate}. The table is the list of documented differences in docs/nerve-config.md
 * ("Migrating from the original Nerve").
 */
public final class MigrationReport {
    static final List<Difference> DIFFERENCES = List.of(
            Difference.when(
                    "service_conf_dir",
                    value -> value.isTextual() && !value.asText().startsWith("/"),
                    "a relative directory is resolved against the config file's directory (the original: against"
                            + " the working directory)"),
            Difference.when(
                    "services.*.checks",
                    value -> value.isArray() && value.size() > 1,
                    "every check runs every cycle (the original stopped at the first failing check, so the"
                            + " later checks' rise/fall counts did not advance)"),
            Difference.when(
                    "services.*.checks[].ssl",
                    JsonNode::asBoolean,
                    "the server's certificate and host name are verified (the original accepted any);"
                            + " ssl_verify: false restores that"),
            Difference.when(
                    "services.*.checks[].type",
                    value -> value.asText().equals("tcp"),
                    "connects over IPv6 too (the original's TCP check was IPv4-only)"),
            Difference.of(
                    "services.*.zk_hosts",
                    "the ZooKeeper session timeout is 30 s and can be set with zk_session_timeout (the original's"
                            + " was fixed); a lost session re-registers without restarting Nerve"),
            Difference.of(
                    "services.*.load_test_concurrency",
                    "no effect: the service is registered once (the original ran N watchers <name>_0..N-1)"),
            Difference.of(
                    "services.*.checks[].ssl_timeout",
                    "no effect: the TLS handshake counts against open_timeout + read_timeout"));

    private MigrationReport() {}

    /** One line per key of {@code root} (the file as written) whose behaviour differs from the original's. */
    public static List<String> of(JsonNode root) {
        return MigrationNotes.apply(root, DIFFERENCES);
    }
}
