package io.smartstack.synapse.dns;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.ConfigGeneratorFactory;
import io.smartstack.synapse.model.GeneratorContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code dns}: Synapse answers DNS for {@code <service>.<domain>} on a local port. Top-level keys
 * {@code bind_address}, {@code port}, {@code domain}, {@code ttl}; per service {@code disabled}.
 */
public final class DnsFactory implements ConfigGeneratorFactory {
    public static final String NAME = "dns";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ConfigGenerator create(
            ConfigNode section, Map<String, ConfigNode> serviceSections, GeneratorContext context) {
        if (section.isPresent() && !section.isNull() && !section.isMap()) {
            section.problem("must be a map of keys, e.g. {port: 8053}");
        }
        String bind = section.string("bind_address", DnsSettings.DEFAULT_BIND_ADDRESS);
        if (!isAddressLiteral(bind)) {
            section.problemAt("bind_address", "must be an IP address, got '" + bind + "'");
            bind = DnsSettings.DEFAULT_BIND_ADDRESS;
        }
        int port = section.optionalPort("port").orElse(DnsSettings.DEFAULT_PORT);
        Name domain = domain(section);
        Duration ttl = section.duration("ttl", DnsSettings.DEFAULT_TTL);
        if (ttl.isNegative()) {
            section.problemAt("ttl", "must be >= 0, got " + ttl);
            ttl = DnsSettings.DEFAULT_TTL;
        }
        section.finish();
        Set<String> disabled = new HashSet<>();
        serviceSections.forEach((service, node) -> {
            if (node.isMap()) {
                if (node.bool("disabled", false)) {
                    disabled.add(service);
                }
                node.finish();
            } else if (!node.isNull()) {
                node.problem("must be a map, e.g. {disabled: true}");
            }
        });
        return new DnsGenerator(new DnsSettings(bind, port, domain, ttl, disabled));
    }

    private static Name domain(ConfigNode section) {
        String text = section.string("domain", DnsSettings.DEFAULT_DOMAIN);
        try {
            Name name = Name.fromString(text.endsWith(".") ? text : text + ".");
            if (name.labels() < 2) {
                section.problemAt("domain", "must not be the root, got '" + text + "'");
                return Name.fromConstantString(DnsSettings.DEFAULT_DOMAIN);
            }
            return name;
        } catch (TextParseException e) {
            section.problemAt("domain", "is not a domain name: '" + text + "' (" + e.getMessage() + ")");
            return Name.fromConstantString(DnsSettings.DEFAULT_DOMAIN);
        }
    }

    /** An IPv4 or IPv6 literal (no name lookup happens for these). */
    static boolean isAddressLiteral(String text) {
        if (!text.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
