package io.smartstack.synapse.dns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers one DNS query from a {@link DnsTable} (pure: bytes in, bytes out). Authoritative for the
 * domain: a known name answers its A, AAAA or SRV records (ANY: all three; SRV with the targets'
 * addresses in the additional section); a known name without records of the type asked answers
 * NOERROR with no answer; an unknown name in the domain answers NXDOMAIN; both negative answers carry
 * the domain's SOA, whose minimum is the TTL, so resolvers cache them as briefly as the answers.
 * A name outside the domain is REFUSED, an opcode other than QUERY is NOTIMP, an unreadable packet
 * FORMERR when its header can be read, and nothing otherwise. Over UDP the answer is cut to 512 bytes,
 * or to the client's EDNS payload size, with the TC flag set so the client retries over TCP.
 */
final class DnsResponder {
    static final int UDP_LIMIT = 512;
    static final int TCP_LIMIT = 65535;
    private static final int EDNS_PAYLOAD = 1232;

    private final DnsSettings settings;

    DnsResponder(DnsSettings settings) {
        this.settings = settings;
    }

    /** The reply to {@code query}, or empty when the packet cannot be answered at all. */
    Optional<byte[]> answer(byte[] query, DnsTable table, Transport transport) {
        Message request;
        try {
            request = new Message(query);
        } catch (IOException e) {
            return formatError(query);
        }
        Header header = request.getHeader();
        if (header.getFlag(Flags.QR)) {
            return Optional.empty();
        }
        Message response = new Message(header.getID());
        response.getHeader().setFlag(Flags.QR);
        if (header.getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        OPTRecord opt = request.getOPT();
        if (opt != null) {
            response.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        Record question = request.getQuestion();
        if (header.getOpcode() != Opcode.QUERY) {
            response.getHeader().setRcode(Rcode.NOTIMP);
        } else if (question == null || request.getSectionArray(Section.QUESTION).length != 1) {
            response.getHeader().setRcode(Rcode.FORMERR);
        } else {
            response.addRecord(question, Section.QUESTION);
            resolve(question, table, response);
        }
        int limit = transport == Transport.TCP ? TCP_LIMIT : udpLimit(opt);
        return Optional.of(response.toWire(limit));
    }

    private void resolve(Record question, DnsTable table, Message response) {
        Name name = question.getName();
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return;
        }
        if (!name.subdomain(settings.domain())) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return;
        }
        response.getHeader().setFlag(Flags.AA);
        Optional<DnsTable.Entry> entry = table.lookup(name);
        if (entry.isEmpty() && !name.equals(settings.domain())) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(soa(), Section.AUTHORITY);
            return;
        }
        List<Record> answers = new ArrayList<>();
        int type = question.getType();
        if (name.equals(settings.domain())) {
            if (type == Type.SOA || type == Type.ANY) {
                answers.add(soa());
            }
        } else {
            DnsTable.Entry records = entry.get();
            if (type == Type.A || type == Type.ANY) {
                answers.addAll(records.a());
            }
            if (type == Type.AAAA || type == Type.ANY) {
                answers.addAll(records.aaaa());
            }
            if (type == Type.SRV || type == Type.ANY) {
                answers.addAll(records.srv());
                for (Record srv : records.srv()) {
                    table.addressesOf(((SRVRecord) srv).getTarget())
                            .forEach(address -> response.addRecord(address, Section.ADDITIONAL));
                }
            }
        }
        if (answers.isEmpty()) {
            response.addRecord(soa(), Section.AUTHORITY);
        }
        answers.forEach(record -> response.addRecord(record, Section.ANSWER));
    }

    private SOARecord soa() {
        long ttl = settings.ttlSeconds();
        Name domain = settings.domain();
        return new SOARecord(
                domain,
                DClass.IN,
                ttl,
                Name.fromConstantString("ns." + domain),
                Name.fromConstantString("hostmaster." + domain),
                1,
                3600,
                600,
                86400,
                ttl);
    }

    private static int udpLimit(OPTRecord opt) {
        if (opt == null) {
            return UDP_LIMIT;
        }
        return Math.max(UDP_LIMIT, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD));
    }

    /** FORMERR with the query's id, when at least the 12-byte header is there. */
    private static Optional<byte[]> formatError(byte[] query) {
        if (query.length < Header.LENGTH) {
            return Optional.empty();
        }
        int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        if ((query[2] & 0x80) != 0) {
            return Optional.empty();
        }
        Message response = new Message(id);
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setRcode(Rcode.FORMERR);
        return Optional.of(response.toWire());
    }

    enum Transport {
        UDP,
        TCP
    }
}
