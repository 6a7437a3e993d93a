package io.smartstack.synapse.haproxy.render;

import io.smartstack.synapse.model.BackendOrigin;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One server line: {@code server <name> <host>:<port> id <id> [cookie <c>] [<options>] [weight <w>]
 * [disabled]}.
 *
 * @param options server_options (templated) and the registration's haproxy_server_options
 * @param weight the registration's weight, when {@code use_nerve_weights} is on
 * @param disabled true for a backend kept from the state cache: in maintenance, ready to return
 */
public record ServerModel(
        String name,
        String host,
        int port,
        int id,
        Optional<String> cookie,
        String options,
        OptionalInt weight,
        boolean disabled,
        BackendOrigin origin) {

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The line as the default template writes it (without the leading tab). */
    public String line() {
        StringBuilder line =
                new StringBuilder("server ").append(name).append(' ').append(address());
        line.append(" id ").append(id);
        cookie.ifPresent(value -> line.append(" cookie ").append(value));
        if (!options.isEmpty()) {
            line.append(' ').append(options);
        }
        weight.ifPresent(value -> line.append(" weight ").append(value));
        if (disabled) {
            line.append(" disabled");
        }
        return line.toString();
    }

    /** The weight HAProxy gives this server when the line is loaded: explicit, else from the options, else 1. */
    public int effectiveWeight() {
        if (weight.isPresent()) {
            return weight.getAsInt();
        }
        String[] words = Words.of(options);
        int found = 1;
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("weight") && words[i + 1].matches("\\d{1,3}")) {
                found = Integer.parseInt(words[i + 1]);
            }
        }
        return found;
    }
}
