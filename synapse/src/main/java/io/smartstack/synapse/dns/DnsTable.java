package io.smartstack.synapse.dns;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;

/**
 * Every name the DNS server answers, built from one desired state (pure). For each service routed to
 * (not {@code disabled}, with a name that is a valid DNS label): {@code <service>.<domain>} has an A
 * record per IPv4 backend, an AAAA record per IPv6 backend and an SRV record per backend (priority 0,
 * the registration's weight or 1, its port). An SRV target is the backend's host name, or for an IP
 * address {@code <address with - for . and :>.addr.<domain>}, which this table answers too. Backends
 * kept only by the state cache are left out: they are in maintenance and receive no traffic. A service
 * with no backend left still exists (an empty answer, not NXDOMAIN). Backends given by host name get
 * an SRV record only: the server never resolves names itself. Immutable.
 */
final class DnsTable {
    private static final String ADDRESS_LABEL = "addr";

    /** The records of one name, by type; empty lists for a known name with nothing of that type. */
    record Entry(List<Record> a, List<Record> aaaa, List<Record> srv) {
        Entry {
            a = List.copyOf(a);
            aaaa = List.copyOf(aaaa);
            srv = List.copyOf(srv);
        }
    }

    private final Map<Name, Entry> names;
    private final Map<String, List<String>> services;
    private final List<String> skipped;

    private DnsTable(Map<Name, Entry> names, Map<String, List<String>> services, List<String> skipped) {
        this.names = Collections.unmodifiableMap(names);
        this.services = Collections.unmodifiableMap(services);
        this.skipped = List.copyOf(skipped);
    }

    static DnsTable empty() {
        return new DnsTable(Map.of(), Map.of(), List.of());
    }

    static DnsTable of(DesiredState desired, DnsSettings settings) {
        Map<Name, Entry> names = new LinkedHashMap<>();
        Map<String, List<String>> services = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        long ttl = settings.ttlSeconds();
        for (ServiceState service : desired.services().values()) {
            if (settings.disabledServices().contains(service.name())) {
                continue;
            }
            Optional<Name> name = serviceName(service.name(), settings.domain());
            if (name.isEmpty()) {
                skipped.add(service.name());
                continue;
            }
            Set<InetAddress> v4 = new LinkedHashSet<>();
            Set<InetAddress> v6 = new LinkedHashSet<>();
            List<Record> srv = new ArrayList<>();
            List<String> answered = new ArrayList<>();
            for (Backend backend : service.backends()) {
                if (backend.origin() == BackendOrigin.STATE_CACHE) {
                    continue;
                }
                Optional<InetAddress> address = literal(backend.host());
                Name target;
                if (address.isPresent()) {
                    (address.get() instanceof Inet6Address ? v6 : v4).add(address.get());
                    target = addressName(address.get(), settings.domain());
                    names.putIfAbsent(target, addressEntry(target, address.get(), ttl));
                } else {
                    Optional<Name> host = absolute(backend.host());
                    if (host.isEmpty()) {
                        continue;
                    }
                    target = host.get();
                }
                int weight = Math.max(0, Math.min(65535, backend.weight().orElse(1)));
                srv.add(new SRVRecord(name.get(), DClass.IN, ttl, 0, weight, backend.port(), target));
                answered.add(backend.host() + ":" + backend.port());
            }
            names.put(name.get(), new Entry(records(name.get(), v4, ttl), records(name.get(), v6, ttl), srv));
            services.put(service.name(), answered);
        }
        return new DnsTable(names, services, skipped);
    }

    /** The records of {@code name}, or empty when the name does not exist (NXDOMAIN). */
    Optional<Entry> lookup(Name name) {
        return Optional.ofNullable(names.get(name.canonicalize()));
    }

    /** The A and AAAA records of an SRV target this table answers (for the additional section). */
    List<Record> addressesOf(Name target) {
        return lookup(target)
                .map(entry -> {
                    List<Record> all = new ArrayList<>(entry.a());
                    all.addAll(entry.aaaa());
                    return all;
                })
                .orElse(List.of());
    }

    /** Service name to the {@code host:port} of each backend answered, for the status. */
    Map<String, List<String>> services() {
        return services;
    }

    /** Services left out because their name is not a valid DNS label. */
    List<String> skipped() {
        return skipped;
    }

    private static Optional<Name> serviceName(String service, Name domain) {
        if (!service.matches("[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?")) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    Name.concatenate(Name.fromString(service), domain).canonicalize());
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            return Optional.empty();
        }
    }

    private static Name addressName(InetAddress address, Name domain) {
        String label =
                address.getHostAddress().replace('.', '-').replace(':', '-').replace('%', '-');
        try {
            return Name.concatenate(Name.fromString(label + "." + ADDRESS_LABEL), domain)
                    .canonicalize();
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            throw new IllegalStateException("an address label is always a valid name: " + label, e);
        }
    }

    private static Entry addressEntry(Name name, InetAddress address, long ttl) {
        List<Record> one = records(name, Set.of(address), ttl);
        return address instanceof Inet6Address
                ? new Entry(List.of(), one, List.of())
                : new Entry(one, List.of(), List.of());
    }

    private static List<Record> records(Name name, Set<InetAddress> addresses, long ttl) {
        List<Record> records = new ArrayList<>();
        for (InetAddress address : addresses) {
            records.add(
                    address instanceof Inet6Address
                            ? new AAAARecord(name, DClass.IN, ttl, address)
                            : new ARecord(name, DClass.IN, ttl, address));
        }
        return records;
    }

    /** The address of an IP literal, never a name lookup. */
    static Optional<InetAddress> literal(String host) {
        if (!DnsFactory.isAddressLiteral(host)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<Name> absolute(String host) {
        try {
            return Optional.of(Name.fromString(host.endsWith(".") ? host : host + "."));
        } catch (TextParseException e) {
            return Optional.empty();
        }
    }
}
