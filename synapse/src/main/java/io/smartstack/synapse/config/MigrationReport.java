package io.smartstack.synapse.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.MigrationNotes;
import io.smartstack.common.config.MigrationNotes.Difference;
import io.smartstack.synapse.haproxy.config.SectionTitles;
import java.util.List;

/**
 * The keys of a Synapse config that behave differently here than in the original Synapse, one line each,
 * for {@code synapse validate}. The table is the list of documented differences in docs/synapse-config.md
 * ("Migrating from the original Synapse").
 */
public final class MigrationReport {
    static final List<Difference> DIFFERENCES = List.of(
            Difference.when(
                    "service_conf_dir",
                    value -> value.isTextual() && !value.asText().startsWith("/"),
                    "a relative directory is resolved against the config file's directory (the original: against"
                            + " the working directory)"),
            Difference.of(
                    "haproxy.restart_interval",
                    "bounds only the reloads still needed: servers are added, removed, drained and reweighted"
                            + " through the runtime API without a reload (the original reloaded for each new server)"),
            Difference.when(
                    "haproxy.do_checks",
                    JsonNode::asBoolean,
                    "a config that fails the check is not installed and HAProxy keeps running the old one (the"
                            + " original reloaded anyway)"),
            Difference.of(
                    "haproxy.extra_sections.*",
                    "lines are written verbatim for any HAProxy keyword (the original's keyword list for 1.5/1.6"
                            + " dropped newer directives)"),
            Difference.when(
                    "haproxy.extra_sections",
                    value -> {
                        for (var it = value.fieldNames(); it.hasNext(); ) {
                            if (SectionTitles.translate(it.next()).isPresent()) {
                                return true;
                            }
                        }
                        return false;
                    },
                    "section titles with an address (listen NAME ADDR) are written as the title and a bind line,"
                            + " which HAProxy 2 requires"),
            Difference.of(
                    "services.*.haproxy.listen",
                    "a keyword the splitter does not know goes to both the frontend and the backend, where"
                            + " haproxy -c judges it (the original dropped it)"),
            Difference.of(
                    "services.*.discovery.label_filters",
                    "filters apply before default_servers and use_previous_backends (the original filtered after,"
                            + " so filters that excluded everything emptied the service)"),
            Difference.of(
                    "services.*.discovery.hosts",
                    "a lost ZooKeeper session keeps the last known backends and reconnects; Synapse does not exit"
                            + " (the original exited and was restarted)"),
            Difference.of(
                    "services.*.discovery.retry_policy",
                    "retries each ZooKeeper operation as the original; running out fails that operation only, the"
                            + " watcher reads again on reconnection (the original exited)"),
            Difference.of(
                    "services.*.discovery.discovery_jitter",
                    "a change within the jitter of the last update is applied after a random delay of half to all"
                            + " of it, together with any changes meanwhile (the original slept exactly the jitter)"),
            Difference.of(
                    "services.*.haproxy.use_nerve_weights",
                    "takes effect for this service (the original read use_nerve_weights only from the top-level"
                            + " haproxy section)"),
            Difference.of(
                    "services.*.haproxy.server_port_override",
                    "applied as the service's backend_port_override (its replacement in the original)"),
            Difference.of("nginx", "no effect: the nginx generator plugin is not part of this implementation"),
            Difference.of(
                    "services.*.nginx", "no effect: the nginx generator plugin is not part of this implementation"));

    private MigrationReport() {}

    /** One line per key of {@code root} (the file as written) whose behaviour differs from the original's. */
    public static List<String> of(JsonNode root) {
        return MigrationNotes.apply(root, DIFFERENCES);
    }
}
