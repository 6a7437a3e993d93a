package io.smartstack.synapse.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** What the DNS tests ask a running DNS server on 127.0.0.1 with, and how they read its answers. */
final class DnsQueries {
    private DnsQueries() {}

    /** Runs {@code dig @127.0.0.1 -p PORT ARGUMENTS} (Debian's dnsutils) and returns its non-blank lines. */
    static List<String> dig(int port, String... arguments) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+time=2", "+tries=1"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("dig finished").isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return output.lines().filter(line -> !line.isBlank()).toList();
        } finally {
            process.destroyForcibly();
        }
    }

    /** The record data of one section of {@code message}, without the EDNS OPT record. */
    static List<String> rdata(Message message, int section) {
        return message.getSection(section).stream()
                .filter(record -> record.getType() != Type.OPT)
                .map(Record::rdataToString)
                .toList();
    }
}
