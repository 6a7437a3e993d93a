package io.smartstack.synapse.config;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigException;
import io.smartstack.common.config.ConfigNode;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.common.config.EnvironmentSubstitution;
import io.smartstack.common.config.ServiceConfDirectory;
import io.smartstack.common.config.Suggestions;
import io.smartstack.common.metrics.StatsdTarget;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.ConfigGeneratorFactory;
import io.smartstack.synapse.model.GeneratorContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a Synapse configuration (an original {@code synapse.conf.json} loads unchanged) and builds its
 * generators through their factories. Every problem in the file, the {@code service_conf_dir} and the
 * generators' sections is collected and thrown together as one {@link ConfigException}.
 *
 * <p>Top-level keys: {@code services}, {@code service_conf_dir}, {@code statsd}, {@code admin}; every
 * other key names a generator found with {@link ServiceLoader} ({@link ConfigGeneratorFactory#name()}).
 */
public final class SynapseConfigLoader {
    static final List<String> CORE_KEYS = List.of("services", "service_conf_dir", "statsd", "admin");
    /** Config generators of the original Synapse that came as separate plugins and are not implemented. */
    static final List<String> PLUGIN_GENERATORS = List.of("nginx");

    static String pluginExplanation(String plugin) {
        return "the original's " + plugin + " config generator came from a separate plugin (synapse-" + plugin
                + "), which this implementation does not have; nothing is generated for " + plugin;
    }

    private final Map<String, ConfigGeneratorFactory> factories = new TreeMap<>();
    private final EnvironmentSubstitution substitution;

    public SynapseConfigLoader(List<ConfigGeneratorFactory> factories, EnvironmentSubstitution substitution) {
        factories.forEach(factory -> this.factories.putIfAbsent(factory.name(), factory));
        this.substitution = substitution;
    }

    /** The loader for the generators installed on the class path. */
    public static SynapseConfigLoader installed() {
        return new SynapseConfigLoader(installedFactories(), EnvironmentSubstitution.system());
    }

    public static List<ConfigGeneratorFactory> installedFactories() {
        List<ConfigGeneratorFactory> found = new ArrayList<>();
        ServiceLoader.load(ConfigGeneratorFactory.class).forEach(found::add);
        return found;
    }

    /** Loads {@code file}; a relative {@code service_conf_dir} is resolved against the file's directory. */
    public LoadedConfig load(Path file, GeneratorContext context) {
        return read(
                ConfigDocument.load(file, substitution),
                context,
                file.toAbsolutePath().getParent());
    }

    /** Reads a parsed document; a relative {@code service_conf_dir} is resolved against the working directory. */
    public LoadedConfig read(ConfigDocument document, GeneratorContext context) {
        return read(document, context, null);
    }

    private LoadedConfig read(ConfigDocument document, GeneratorContext context, Path baseDirectory) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = document.root(problems);
        root.accept(CORE_KEYS.toArray(String[]::new));
        Map<String, ConfigNode> generatorSections = generatorSections(root);
        Optional<StateCacheConfig> stateCache = StateCacheReader.read(generatorSections.get("haproxy"));
        Map<String, Map<String, ConfigNode>> serviceSections = new LinkedHashMap<>();
        generatorSections.keySet().forEach(name -> serviceSections.put(name, new LinkedHashMap<>()));
        List<ServiceConfig> services = services(root, generatorSections, serviceSections, baseDirectory);
        AdminConfig admin = admin(root.child("admin"));
        Optional<StatsdTarget> statsd = StatsdTarget.read(root, "statsd");
        List<ConfigGenerator> generators = new ArrayList<>();
        generatorSections.forEach((name, section) ->
                generators.add(factories.get(name).create(section, serviceSections.get(name), context)));
        root.finish();
        if (!problems.isEmpty()) {
            generators.forEach(ConfigGenerator::close);
            throw new ConfigException(problems.list());
        }
        SynapseConfig config =
                new SynapseConfig(services, List.copyOf(generatorSections.keySet()), admin, statsd, stateCache);
        List<String> warnings =
                problems.warnings().stream().map(ConfigProblem::toString).toList();
        return new LoadedConfig(config, generators, warnings);
    }

    private Map<String, ConfigNode> generatorSections(ConfigNode root) {
        Map<String, ConfigNode> sections = new LinkedHashMap<>();
        for (String key : root.keys()) {
            if (CORE_KEYS.contains(key)) {
                continue;
            }
            if (!factories.containsKey(key) && PLUGIN_GENERATORS.contains(key)) {
                root.ignored(key, pluginExplanation(key));
                continue;
            }
            if (!factories.containsKey(key)) {
                List<String> candidates = new ArrayList<>(factories.keySet());
                candidates.addAll(CORE_KEYS);
                String hint = Suggestions.closest(key, candidates)
                        .map(s -> ". Did you mean: " + s + "?")
                        .orElse("");
                root.problemAt(
                        key,
                        "unknown key '" + key + "': not a Synapse key nor an installed generator (installed: "
                                + String.join(", ", factories.keySet()) + ")" + hint);
                root.accept(key); // reported here; finish() must not report it a second time
                continue;
            }
            ConfigNode section = root.child(key);
            if (section.isPresent() && !section.isMap()) {
                section.problem("must be a map of keys (the " + key + " generator's settings)");
            }
            sections.put(key, section);
        }
        if (sections.isEmpty()) {
            root.problem("at least one generator section is required (installed: "
                    + String.join(", ", factories.keySet()) + ")");
        }
        return sections;
    }

    private List<ServiceConfig> services(
            ConfigNode root,
            Map<String, ConfigNode> generatorSections,
            Map<String, Map<String, ConfigNode>> serviceSections,
            Path baseDirectory) {
        Map<String, ConfigNode> nodes = new TreeMap<>(root.entries("services"));
        if (!root.has("services") && !root.has("service_conf_dir")) {
            root.problemAt("services", "is required (a map of service name to its settings)");
        }
        root.optionalString("service_conf_dir").ifPresent(directory -> {
            try {
                Path path = Path.of(directory);
                if (!path.isAbsolute() && baseDirectory != null) {
                    path = baseDirectory.resolve(path);
                }
                ServiceConfDirectory.load(path, substitution)
                        .forEach((name, document) -> nodes.put(name, document.root(root.problems())));
            } catch (ConfigException e) {
                root.problems().addAll(e.problems());
            }
        });
        List<ServiceConfig> services = new ArrayList<>();
        for (Map.Entry<String, ConfigNode> entry : nodes.entrySet()) {
            Map<String, ConfigNode> sections = new LinkedHashMap<>();
            services.add(ServiceConfigReader.read(
                    entry.getKey(),
                    entry.getValue(),
                    generatorSections.keySet(),
                    new TreeSet<>(factories.keySet()),
                    sections));
            sections.forEach(
                    (generator, section) -> serviceSections.get(generator).put(entry.getKey(), section));
        }
        return services;
    }

    private static AdminConfig admin(ConfigNode admin) {
        if (!admin.isPresent() || admin.isNull()) {
            return AdminConfig.defaults();
        }
        if (!admin.isMap()) {
            admin.problem("must be a map with bind and port");
            return AdminConfig.defaults();
        }
        String bind = admin.string("bind", AdminConfig.DEFAULT_BIND);
        int port = admin.integer("port", AdminConfig.DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            admin.problemAt("port", "must be a port number between 0 (any free port) and 65535, got " + port);
            port = AdminConfig.DEFAULT_PORT;
        }
        admin.finish();
        return new AdminConfig(bind, port);
    }
}
