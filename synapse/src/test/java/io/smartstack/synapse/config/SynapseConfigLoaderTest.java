package io.smartstack.synapse.config;

import static io.smartstack.synapse.config.ConfigTesting.assertProblem;
import static io.smartstack.synapse.config.ConfigTesting.load;
import static io.smartstack.synapse.config.ConfigTesting.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.metrics.StatsdTarget;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.GeneratorContext;
import io.smartstack.synapse.selection.LabelFilter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynapseConfigLoaderTest {
    private static final String MINIMAL_SERVICE =
            """
            services:
              web:
                discovery: {method: zookeeper, hosts: ["127.0.0.1:2181"], path: /nerve/services/web/services}
            """;

    @Test
    void originalExampleConfigLoadsUnchanged() throws URISyntaxException {
        Path file =
                Path.of(getClass().getResource("/original-synapse.conf.json").toURI());
        LoadedConfig loaded = ConfigTesting.loader().load(file, new GeneratorContext(new SimpleMeterRegistry()));
        SynapseConfig config = loaded.config();

        assertEquals(List.of("haproxy"), config.generatorNames());
        assertEquals(
                List.of("service1", "service2"),
                config.services().stream().map(ServiceConfig::name).toList());
        ServiceConfig service1 = config.service("service1").orElseThrow();
        DiscoveryConfig.ZooKeeper discovery = (DiscoveryConfig.ZooKeeper) service1.discovery();
        assertEquals(List.of("localhost:2181"), discovery.hosts());
        assertEquals("/services/service1", discovery.path());
        assertEquals(RegistrationFormat.NERVE, discovery.format());
        assertEquals(Optional.of("/services/service1"), discovery.generatorConfigPath());
        assertEquals(1, service1.rules().defaultServers().size());
        assertEquals(
                "default1_localhost:8423",
                service1.rules().defaultServers().get(0).serverName());
        assertEquals(
                BackendOrigin.DEFAULT_SERVERS,
                service1.rules().defaultServers().get(0).origin());
        assertTrue(service1.rules().usePreviousBackends());
        assertFalse(service1.rules().keepDefaultServers());
        assertEquals(3213, service1.generatorConfig().get("haproxy").get("port").asInt());
        assertEquals(AdminConfig.defaults(), config.admin());
        assertEquals(Optional.empty(), config.statsd());
        assertEquals(Optional.empty(), config.stateCache());
        loaded.closeGenerators();
    }

    @Test
    void originalExampleWithTheOriginalsStatsdSectionLoads() throws Exception {
        String original = new String(
                getClass().getResourceAsStream("/original-synapse.conf.json").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        String withStatsd = original.replaceFirst(
                "\\{",
                "{\"statsd\": {\"host\": \"localhost\", \"port\": 8125, "
                        + "\"sample_rate\": {\"synapse.watcher.ping\": 0.1}},");
        SynapseConfig config = load(withStatsd).config();
        assertEquals(Optional.of(new StatsdTarget("localhost", 8125)), config.statsd());
        assertEquals(2, config.services().size());
    }

    @Test
    void aMissingServiceConfDirIsAProblem(@TempDir Path directory) {
        List<ConfigProblem> problems = problems(MINIMAL_SERVICE + "recording: {id: missing-dir}\nservice_conf_dir: "
                + directory.resolve("nope") + "\n");
        assertTrue(
                problems.stream().anyMatch(p -> p.message().contains("service_conf_dir does not exist")),
                problems::toString);
    }

    @Test
    void misspeltServiceKeyIsAProblemWithASuggestion() {
        List<ConfigProblem> problems = problems(
                MINIMAL_SERVICE
                        + """
                    keep_default_server: true
                recording: {id: misspelt}
                """);
        assertProblem(problems, "services.web.keep_default_server", "Did you mean: keep_default_servers?");
    }

    @Test
    void misspeltDiscoveryKeyIsAProblemWithASuggestion() {
        List<ConfigProblem> problems = problems(
                """
                services:
                  web:
                    discovery: {method: zookeeper, hots: ["127.0.0.1:2181"], path: /web}
                recording: {id: misspelt-discovery}
                """);
        assertProblem(problems, "services.web.discovery.hots", "Did you mean: hosts?");
        assertProblem(problems, "services.web.discovery.hosts", "is required");
    }

    @Test
    void unknownGeneratorIsAProblemWithASuggestion() {
        List<ConfigProblem> problems = problems(MINIMAL_SERVICE + "file_ouptut: {output_directory: /tmp/x}\n");
        assertProblem(problems, "file_ouptut", "Did you mean: file_output?");
        assertProblem(problems, "", "at least one generator section is required");
    }

    @Test
    void everyProblemIsReportedTogether() {
        List<ConfigProblem> problems = problems(
                """
                services:
                  web:
                    discovery: {method: docker, servers: []}
                  api:
                    discovery: {method: zookeeper, hosts: [], path: relative/path}
                    backend_port_override: 70000
                  dns-service:
                    discovery: {method: dns, servers: [{name: a, host: example.test}], nameserver: 10.0.0.2}
                  filtered:
                    discovery:
                      method: base
                      label_filters: [{label: az, value: a, condition: like}]
                    default_servers: [{host: 10.0.0.1, port: 80}]
                recording: {id: every-problem}
                """);
        assertProblem(problems, "services.web.discovery.method", "not supported: discovery method 'docker'");
        assertProblem(problems, "services.api.discovery.hosts", "must not be empty");
        assertProblem(problems, "services.api.discovery.path", "must be an absolute znode path");
        assertProblem(problems, "services.api.backend_port_override", "between 1 and 65535");
        assertProblem(problems, "services.dns-service.discovery.servers[0].port", "is required");
        assertProblem(problems, "services.dns-service.discovery.nameserver", "not supported");
        assertProblem(problems, "services.filtered.discovery.label_filters[0].condition", "must be one of");
        assertEquals(7, problems.size(), problems::toString);
    }

    @Test
    void readsEveryDiscoveryMethodAndSelectionKey() {
        SynapseConfig config =
                load("""
                services:
                  watched:
                    discovery:
                      method: zookeeper
                      hosts: [zk2:2181, zk1:2181]
                      path: /smartstack/watched
                      decode: {method: serverset, endpoint_name: http}
                      generator_config_path: disabled
                      label_filters:
                        - {label: az, value: us-east-1a, condition: equals}
                        - {label: canary, value: "true", condition: not-equals}
                    keep_default_servers: true
                    use_previous_backends: false
                    backend_port_override: "8080"
                    default_servers: [{name: fallback, host: 10.0.0.9, port: 80, weight: 3, labels: {az: b}}]
                    recording: {note: hello}
                  polled:
                    discovery: {method: zookeeper_poll, hosts: [zk1:2181], path: /p, polling_interval_sec: 0.5,
                                generator_config_path: /config/polled}
                  resolved:
                    discovery:
                      method: dns
                      check_interval: 2s
                      servers: [{name: api, host: localhost, port: 443, labels: {zone: a}}]
                  fixed:
                    discovery: {method: base}
                    default_servers: [{host: 10.0.0.1, port: 80}]
                recording: {id: every-method}
                statsd: {host: 127.0.0.1, port: 9125, sample_rate: {}}
                admin: {bind: 127.0.0.1, port: 0}
                """)
                        .config();
        ServiceConfig watched = config.service("watched").orElseThrow();
        DiscoveryConfig.ZooKeeper zookeeper = (DiscoveryConfig.ZooKeeper) watched.discovery();
        assertEquals(new RegistrationFormat.Serverset(Optional.of("http")), zookeeper.format());
        assertEquals(Optional.empty(), zookeeper.generatorConfigPath());
        assertEquals("zookeeper", zookeeper.method());
        assertEquals(
                List.of(
                        new LabelFilter("az", "us-east-1a", LabelFilter.Condition.EQUALS),
                        new LabelFilter("canary", "true", LabelFilter.Condition.NOT_EQUALS)),
                watched.rules().labelFilters());
        assertTrue(watched.rules().keepDefaultServers());
        assertFalse(watched.rules().usePreviousBackends());
        assertEquals(OptionalInt.of(8080), watched.rules().backendPortOverride());
        assertEquals(OptionalInt.of(3), watched.rules().defaultServers().get(0).weight());
        assertEquals(
                "hello", watched.generatorConfig().get("recording").get("note").asText());

        DiscoveryConfig.ZooKeeper polled = (DiscoveryConfig.ZooKeeper)
                config.service("polled").orElseThrow().discovery();
        assertEquals(Optional.of(Duration.ofMillis(500)), polled.pollingInterval());
        assertEquals(Optional.of("/config/polled"), polled.generatorConfigPath());
        assertEquals("zookeeper_poll", polled.method());

        DiscoveryConfig.Dns dns =
                (DiscoveryConfig.Dns) config.service("resolved").orElseThrow().discovery();
        assertEquals(Duration.ofSeconds(2), dns.checkInterval());
        assertEquals(
                List.of(new DiscoveryConfig.DnsServer("api", "localhost", 443, java.util.Map.of("zone", "a"))),
                dns.servers());
        assertEquals(
                new DiscoveryConfig.Base(),
                config.service("fixed").orElseThrow().discovery());
        assertEquals(Optional.of(new StatsdTarget("127.0.0.1", 9125)), config.statsd());
        assertEquals(new AdminConfig("127.0.0.1", 0), config.admin());
    }

    @Test
    void statsdMayBeHostAndPortText() {
        SynapseConfig config = load(MINIMAL_SERVICE + "recording: {id: statsd}\nstatsd: 'localhost:8125'\n")
                .config();
        assertEquals(Optional.of(new StatsdTarget("localhost", 8125)), config.statsd());
    }

    @Test
    void stateCacheKeysAreReadFromTheHaproxySection() {
        SynapseConfig config = load(MINIMAL_SERVICE
                        + """
                haproxy:
                  state_file_path: /var/lib/synapse/state.json
                  state_file_ttl: 600
                  reload_command: "true"
                  socket_file_path: /var/lib/synapse/haproxy.sock
                  global: []
                  defaults: []
                """)
                .config();
        assertEquals(
                Optional.of(new StateCacheConfig(Path.of("/var/lib/synapse/state.json"), Duration.ofSeconds(600))),
                config.stateCache());
    }

    @Test
    void badStateCacheTtlIsAProblem() {
        List<ConfigProblem> problems = problems(
                MINIMAL_SERVICE
                        + """
                haproxy: {state_file_path: /tmp/state.json, state_file_ttl: -5, global: [], defaults: []}
                """);
        assertProblem(problems, "haproxy.state_file_ttl", "must not be negative");
    }

    @Test
    void serviceConfDirAddsAndOverridesServices(@TempDir Path directory) throws Exception {
        Files.writeString(
                directory.resolve("web.json"),
                """
                {"discovery": {"method": "base"}, "default_servers": [{"host": "10.1.1.1", "port": 81}]}
                """);
        Files.writeString(
                directory.resolve("extra.yaml"),
                """
                discovery: {method: base}
                default_servers: [{host: 10.2.2.2, port: 82}]
                """);
        SynapseConfig config = load(MINIMAL_SERVICE + "recording: {id: conf-dir}\nservice_conf_dir: " + directory
                        + "\n")
                .config();
        assertEquals(
                List.of("extra", "web"),
                config.services().stream().map(ServiceConfig::name).toList());
        assertEquals(
                new DiscoveryConfig.Base(), config.service("web").orElseThrow().discovery());
    }

    @Test
    void baseDiscoveryNeedsDefaultServers() {
        List<ConfigProblem> problems = problems(
                """
                services:
                  fixed: {discovery: {method: base}}
                recording: {id: base-without-defaults}
                """);
        assertProblem(problems, "services.fixed.default_servers", "at least one server");
    }

    private static final String ORIGINAL_KEYS =
            """
            {
            	"services": {
            		"web": {
            			"discovery": {
            				"method": "zookeeper",
            				"path": "/nerve/services/web/services",
            				"hosts": ["127.0.0.1:2181"],
            				"discovery_jitter": 5,
            				"retry_policy": {"max_attempts": 4, "base_interval": 0.25}
            			},
            			"haproxy": {"port": 3213, "server_port_override": 8080},
            			"nginx": {"port": 8213}
            		}
            	},
            	"haproxy": {"reload_command": "true", "do_socket": false, "global": [], "defaults": []},
            	"nginx": {"contexts": {"main": []}}
            }
            """;

    private static LoadedConfig loadJson(String json) {
        return ConfigTesting.loader()
                .read(
                        io.smartstack.common.config.ConfigDocument.parse(
                                json,
                                "synapse.conf.json",
                                io.smartstack.common.config.ConfigDocument.Format.JSON,
                                io.smartstack.common.config.EnvironmentSubstitution.of(java.util.Map.of())),
                        new GeneratorContext(new SimpleMeterRegistry()));
    }

    @Test
    void retryPolicyAndDiscoveryJitterAreReadWithTheOriginalsDefaults() {
        LoadedConfig loaded = loadJson(ORIGINAL_KEYS);
        DiscoveryConfig.ZooKeeper discovery = (DiscoveryConfig.ZooKeeper)
                loaded.config().service("web").orElseThrow().discovery();
        assertEquals(
                Optional.of(new RetryPolicySettings(
                        4, Duration.ofSeconds(600), Duration.ofMillis(250), Duration.ofSeconds(60))),
                discovery.retryPolicy());
        assertEquals(Optional.of(Duration.ofSeconds(5)), discovery.discoveryJitter());
        loaded.closeGenerators();
    }

    @Test
    void serverPortOverrideBecomesTheBackendPortOverrideWithAWarning() {
        LoadedConfig loaded = loadJson(ORIGINAL_KEYS);
        assertEquals(
                OptionalInt.of(8080),
                loaded.config().service("web").orElseThrow().rules().backendPortOverride());
        assertTrue(
                loaded.warnings().stream()
                        .anyMatch(w -> w.startsWith("services.web.haproxy.server_port_override: deprecated")
                                && w.contains("applied as backend_port_override 8080")),
                loaded.warnings().toString());
        loaded.closeGenerators();
    }

    @Test
    void nginxSectionsOfTheOriginalsPluginAreIgnoredWithOneWarningEach() {
        LoadedConfig loaded = loadJson(ORIGINAL_KEYS);
        List<String> nginx =
                loaded.warnings().stream().filter(w -> w.contains("nginx")).toList();
        assertEquals(2, nginx.size(), nginx.toString());
        assertTrue(nginx.stream().anyMatch(w -> w.startsWith("nginx: accepted for compatibility, has no effect")));
        assertTrue(nginx.stream().anyMatch(w -> w.startsWith("services.web.nginx: accepted for compatibility")));
        assertEquals(List.of("haproxy"), loaded.config().generatorNames());
        loaded.closeGenerators();
    }

    @Test
    void anNginxSectionAloneIsNotAGenerator() {
        List<ConfigProblem> problems = problems(
                """
                services: {}
                nginx: {contexts: {main: []}}
                """);
        assertProblem(problems, "", "at least one generator section is required");
    }

    @Test
    void discoveryJitterOutsideTheOriginalsRangeOrWithPollingIsIgnoredWithAWarning() {
        LoadedConfig loaded = load(
                """
                services:
                  web:
                    discovery: {method: zookeeper, hosts: ["127.0.0.1:2181"], path: /web, discovery_jitter: 500}
                  api:
                    discovery: {method: zookeeper_poll, hosts: ["127.0.0.1:2181"], path: /api, discovery_jitter: 5}
                haproxy: {reload_command: "true", do_socket: false, global: [], defaults: []}
                """);
        DiscoveryConfig.ZooKeeper web = (DiscoveryConfig.ZooKeeper)
                loaded.config().service("web").orElseThrow().discovery();
        DiscoveryConfig.ZooKeeper api = (DiscoveryConfig.ZooKeeper)
                loaded.config().service("api").orElseThrow().discovery();
        assertEquals(Optional.empty(), web.discoveryJitter());
        assertEquals(Optional.empty(), api.discoveryJitter());
        assertTrue(
                loaded.warnings().stream()
                        .anyMatch(w ->
                                w.startsWith("services.web.discovery.discovery_jitter: must be between 0 and 120")),
                loaded.warnings().toString());
        assertTrue(
                loaded.warnings().stream()
                        .anyMatch(w -> w.startsWith("services.api.discovery.discovery_jitter: has no effect with method"
                                + " zookeeper_poll")),
                loaded.warnings().toString());
        loaded.closeGenerators();
    }

    @Test
    void aBadRetryPolicyOrAMisspeltSubKeyIsAnError() {
        List<ConfigProblem> problems = problems(
                """
                services:
                  web:
                    discovery:
                      method: zookeeper
                      hosts: ["127.0.0.1:2181"]
                      path: /web
                      retry_policy: {max_attempts: 0, base_interval: 5, max_interval: 1, max_dealy: 3}
                  api:
                    discovery: {method: zookeeper, hosts: ["127.0.0.1:2181"], path: /api, retry_polcy: {}}
                haproxy: {reload_command: "true", do_socket: false, global: [], defaults: []}
                """);
        assertProblem(problems, "services.web.discovery.retry_policy.max_attempts", "must be >= 1, got 0");
        assertProblem(problems, "services.web.discovery.retry_policy.max_dealy", "Did you mean: max_delay?");
        assertProblem(
                problems, "services.web.discovery.retry_policy.base_interval", "must not be greater than max_interval");
        assertProblem(problems, "services.api.discovery.retry_polcy", "Did you mean: retry_policy?");
    }
}
