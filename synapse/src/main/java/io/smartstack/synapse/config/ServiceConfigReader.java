package io.smartstack.synapse.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.registration.Registration;
import io.smartstack.common.registration.RegistrationConfig;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.selection.LabelFilter;
import io.smartstack.synapse.selection.SelectionRules;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Reads one entry of {@code services}, recording every problem on the node. */
final class ServiceConfigReader {
    private ServiceConfigReader() {}

    /**
     * @param configuredGenerators generators configured at the top level: their sections are kept
     * @param knownGenerators every installed generator: a section for one that is not configured is ignored
     * @param sections receives generator name to this service's section node (for the factories)
     */
    static ServiceConfig read(
            String name,
            ConfigNode service,
            Collection<String> configuredGenerators,
            Collection<String> knownGenerators,
            Map<String, ConfigNode> sections) {
        if (!service.isMap()) {
            service.problem("must be a map of keys, got " + (service.isNull() ? "null" : "a value"));
        }
        if (name.isBlank() || name.contains("/")) {
            service.problem("service name must be non-empty and contain no '/', got '" + name + "'");
        }
        List<LabelFilter> filters = new ArrayList<>();
        DiscoveryConfig discovery = DiscoveryConfigReader.read(service.map("discovery"), filters);
        List<Backend> defaultServers = defaultServers(service);
        boolean keepDefaultServers = service.bool("keep_default_servers", false);
        boolean usePreviousBackends = service.bool("use_previous_backends", true);
        Optional<Integer> portOverride = service.optionalPort("backend_port_override");
        portOverride = portOverride.or(() -> deprecatedPortOverride(service.child("haproxy")));
        service.notSupported("leader_election", "leader election among backends");
        Map<String, JsonNode> generatorConfig = new LinkedHashMap<>();
        for (String plugin : SynapseConfigLoader.PLUGIN_GENERATORS) {
            if (!knownGenerators.contains(plugin)) {
                service.ignored(plugin, SynapseConfigLoader.pluginExplanation(plugin));
            }
        }
        for (String generator : knownGenerators) {
            ConfigNode section = service.child(generator);
            if (section.isPresent() && configuredGenerators.contains(generator)) {
                sections.put(generator, section);
                generatorConfig.put(generator, section.raw());
            }
        }
        service.finish();
        boolean base =
                "base".equals(service.raw().path("discovery").path("method").asText());
        if (base && defaultServers.isEmpty()) {
            service.problemAt("default_servers", "must list at least one server for discovery method base");
        }
        SelectionRules rules = new SelectionRules(
                defaultServers,
                keepDefaultServers,
                usePreviousBackends,
                portOverride.map(OptionalInt::of).orElse(OptionalInt.empty()),
                filters);
        return new ServiceConfig(name, discovery, rules, generatorConfig);
    }

    /**
     * The original's {@code haproxy.server_port_override}, deprecated there in favour of the service's
     * {@code backend_port_override}, which wins when both are set.
     */
    private static Optional<Integer> deprecatedPortOverride(ConfigNode haproxy) {
        if (!haproxy.isMap() || !haproxy.has("server_port_override")) {
            return Optional.empty();
        }
        // a node of its own: the haproxy generator reads the section again and accepts this key
        Optional<Integer> port = haproxy.optionalPort("server_port_override");
        if (port.isEmpty()) {
            return port;
        }
        haproxy.warnAt(
                "server_port_override",
                "deprecated in the original (renamed backend_port_override, a key of the service): applied as"
                        + " backend_port_override " + port.get());
        return port;
    }

    private static List<Backend> defaultServers(ConfigNode service) {
        List<Backend> servers = new ArrayList<>();
        for (ConfigNode server : service.list("default_servers")) {
            String name = server.string("name", null);
            String host = server.requiredString("host");
            int port = server.requiredPort("port");
            Optional<Integer> weight = server.optionalInteger("weight");
            if (weight.isPresent() && weight.get() < 0) {
                server.problemAt("weight", "must be >= 0, got " + weight.get());
                weight = Optional.empty();
            }
            Optional<String> options = server.optionalString("haproxy_server_options");
            Map<String, String> labels = server.stringMap("labels");
            OptionalLong id = server.optionalLong("id").map(OptionalLong::of).orElse(OptionalLong.empty());
            OptionalInt serverId = OptionalInt.empty();
            Optional<Integer> askedId = server.optionalInteger("haproxy_server_id");
            if (askedId.isPresent() && askedId.get() < 1) {
                server.problemAt("haproxy_server_id", "must be >= 1, got " + askedId.get());
            } else if (askedId.isPresent()) {
                serverId = OptionalInt.of(askedId.get());
            }
            OptionalInt checkedWeight = weight.map(OptionalInt::of).orElse(OptionalInt.empty());
            RegistrationConfig.report(
                    server, new Registration(host, port, name, checkedWeight, options, labels), "name");
            server.finish();
            servers.add(new Backend(
                    host,
                    port,
                    name,
                    id,
                    weight.map(OptionalInt::of).orElse(OptionalInt.empty()),
                    options,
                    labels,
                    BackendOrigin.DEFAULT_SERVERS,
                    serverId));
        }
        return servers;
    }
}
