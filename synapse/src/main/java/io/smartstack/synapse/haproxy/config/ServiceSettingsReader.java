package io.smartstack.synapse.haproxy.config;

import io.smartstack.common.config.ConfigNode;
import io.smartstack.synapse.haproxy.config.ServiceSettings.BackendOrder;
import io.smartstack.synapse.haproxy.config.ServiceSettings.CookieValueMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads one service's {@code haproxy} section, recording every problem on the node. */
public final class ServiceSettingsReader {
    private static final List<String> ORDERS = List.of("asc", "desc", "no_shuffle", "shuffle");
    private static final List<String> COOKIE_METHODS = List.of("name", "hash");

    private ServiceSettingsReader() {}

    public static ServiceSettings read(ConfigNode node) {
        if (node.isPresent() && !node.isNull() && !node.isMap()) {
            node.problem("must be a map of keys");
        }
        boolean disabled = node.bool("disabled", false);
        boolean frontend = node.has("port");
        OptionalInt port = node.optionalPort("port").map(OptionalInt::of).orElse(OptionalInt.empty());
        Optional<String> bindAddress = node.optionalString("bind_address");
        Optional<String> bindOptions = node.optionalString("bind_options");
        Optional<String> serverOptions = node.optionalString("server_options");
        List<String> frontendLines = new ArrayList<>(node.stringList("frontend"));
        List<String> backendLines = new ArrayList<>(node.stringList("backend"));
        List<String> listen = node.stringList("listen");
        frontendLines.addAll(ListenSplitter.frontendPart(listen));
        backendLines.addAll(ListenSplitter.backendPart(listen));
        Optional<String> backendName = node.optionalString("backend_name");
        backendName
                .filter(name -> !name.matches("[A-Za-z0-9_.:-]+"))
                .ifPresent(name -> node.problemAt(
                        "backend_name", "may contain only letters, digits and - _ . :, got '" + name + "'"));
        String order = node.string("backend_order", "shuffle").toLowerCase(Locale.ROOT);
        if (!ORDERS.contains(order)) {
            node.problemAt("backend_order", "must be one of " + String.join(", ", ORDERS) + ", got '" + order + "'");
            order = "shuffle";
        }
        String cookie = node.oneOf("cookie_value_method", "name", COOKIE_METHODS);
        List<String> shared = node.stringList("shared_frontend");
        // read again, with the top-level defaults, by the zone routing of each pass; validated here
        ZoneRoutingReader.readService(
                node.child("zone_routing"), ZoneRoutingSettings.off().rule());
        // applied (with its warning) as the service's backend_port_override by the service reader
        node.accept("server_port_override");
        boolean useNerveWeights = node.bool("use_nerve_weights", false);
        node.finish();
        return new ServiceSettings(
                disabled,
                frontend,
                port,
                bindAddress,
                bindOptions,
                serverOptions,
                frontendLines,
                backendLines,
                backendName,
                BackendOrder.valueOf(order.toUpperCase(Locale.ROOT)),
                shared,
                CookieValueMethod.valueOf(cookie.toUpperCase(Locale.ROOT)),
                useNerveWeights);
    }
}
