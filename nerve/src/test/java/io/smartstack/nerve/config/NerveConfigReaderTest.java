package io.smartstack.nerve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigException;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.metrics.StatsdTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NerveConfigReaderTest {
    /** An original nerve.conf.json, as the Ruby Nerve's README and example configs write it. */
    static final String ORIGINAL =
            """
            {
              "instance_id": "mymachine",
              "heartbeat_path": "/tmp/nerve-heartbeat",
              "max_repeated_report_failures": 5,
              "statsd": {"host": "localhost", "port": 8125},
              "services": {
                "your_http_service": {
                  "host": "1.2.3.4",
                  "port": 3000,
                  "reporter_type": "zookeeper",
                  "zk_hosts": ["localhost:2181", "other:2181"],
                  "zk_path": "/nerve/services/your_http_service/services",
                  "check_interval": 2,
                  "weight": "2",
                  "haproxy_server_options": "backup",
                  "labels": {"az": "us-east-1a"},
                  "rate_limiting": {"shadow_mode": false, "average_rate": 5, "max_burst": 10},
                  "checks": [
                    {"type": "http", "uri": "/health", "timeout": 0.2, "rise": 3, "fall": 2},
                    {"type": "tcp", "port": 3001}
                  ]
                },
                "your_tcp_service": {
                  "host": "1.2.3.4",
                  "port": 6379,
                  "zk_hosts": ["localhost:2181"],
                  "zk_path": "/nerve/services/your_tcp_service/services",
                  "use_path_encoding": true,
                  "node_type": "persistent",
                  "ttl_seconds": 60,
                  "check_mocked": true,
                  "checks": [{"type": "redis", "host": "127.0.0.1"}]
                }
              }
            }
            """;

    private static NerveConfig read(String text) {
        return NerveConfigReader.read(ConfigDocument.parse(text, "nerve.conf.json"), Optional.empty(), Path.of("."));
    }

    private static List<String> problems(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(text));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void loadsAnOriginalNerveConfigUnchanged() {
        NerveConfig config = read(ORIGINAL);
        assertEquals("mymachine", config.instanceId());
        assertEquals(Optional.of(Path.of("/tmp/nerve-heartbeat")), config.heartbeatPath());
        assertEquals(5, config.maxRepeatedReportFailures());
        assertEquals(Optional.of(new StatsdTarget("localhost", 8125)), config.statsd());
        assertEquals(AdminSettings.DEFAULT, config.admin());
        ServiceConfig http = config.services().get("your_http_service");
        assertEquals(Duration.ofSeconds(2), http.checkInterval());
        assertEquals(OptionalInt.of(2), http.weight());
        assertEquals(Optional.of("backup"), http.haproxyServerOptions());
        assertEquals(Map.of("az", "us-east-1a"), http.labels());
        assertEquals(new RateLimitConfig(false, 5, 10), http.rateLimiting());
        assertEquals(NodeType.EPHEMERAL_SEQUENTIAL, http.zookeeper().nodeType());
        assertEquals("localhost:2181,other:2181", http.zookeeper().settings().connectString());
        CheckConfig first = http.checks().get(0);
        assertEquals("your_http_service http-1.2.3.4:3000", first.name());
        assertEquals(Duration.ofMillis(200), first.timeout());
        assertEquals(3, first.rise());
        assertEquals(2, first.fall());
        CheckSpec.Http spec = (CheckSpec.Http) first.spec();
        assertEquals("/health", spec.uri());
        assertEquals(Duration.ofMillis(200), spec.openTimeout());
        assertEquals(Duration.ofMillis(200), spec.readTimeout());
        assertTrue(spec.tls().verify());
        assertEquals(3001, http.checks().get(1).port());
        ServiceConfig tcp = config.services().get("your_tcp_service");
        assertTrue(tcp.zookeeper().pathEncoding());
        assertEquals(NodeType.PERSISTENT, tcp.zookeeper().nodeType());
        assertEquals(Optional.of(Duration.ofSeconds(60)), tcp.zookeeper().ttl());
        assertTrue(tcp.checkMocked());
        assertEquals("127.0.0.1", tcp.checks().get(0).host());
        assertEquals(Duration.ofMillis(500), ServiceConfig.DEFAULT_CHECK_INTERVAL);
    }

    @Test
    void refusesRegistrationValuesSynapseWouldSkip() {
        List<String> problems = problems(
                """
                instance_id: "box one"
                services:
                  web:
                    host: "10.0.0.1 backup"
                    port: 8080
                    zk_hosts: [localhost:2181]
                    zk_path: /nerve/web
                    weight: 300
                    haproxy_server_options: "check\\nlisten evil"
                    labels: {az: "a\\u0007"}
                """);
        assertThat(String.join("\n", problems))
                .contains("instance_id")
                .contains("services.web.host")
                .contains("services.web.weight")
                .contains("services.web.haproxy_server_options")
                .contains("services.web.labels");
    }

    @Test
    void reportsEveryProblemAtOnceWithPathAndSuggestion() {
        List<String> problems = problems(
                """
                instance_id: box
                services:
                  web:
                    host: 10.0.0.1
                    zk_hosts: [localhost:2181]
                    zk_path: /nerve/web/
                    weight: -1
                    chekcs: []
                    checks:
                      - {type: htpp, uri: /health}
                      - {type: http}
                      - {type: tcp, timeout: -1, rise: 0}
                  cache:
                    host: 10.0.0.2
                    port: 6379
                    reporter_type: etcd
                    load_test_concurrency: 3
                    zk_hosts: [localhost:2181]
                    zk_path: /nerve/cache
                """);
        String all = String.join("\n", problems);
        assertTrue(all.contains("services.web.port") && all.contains("is required"), all);
        assertTrue(all.contains("services.web.zk_path") && all.contains("must not end with /"), all);
        assertTrue(all.contains("services.web.weight") && all.contains("non-negative"), all);
        assertTrue(all.contains("unknown key 'chekcs'. Did you mean: checks?"), all);
        assertTrue(all.contains("services.web.checks[0].type") && all.contains("Did you mean: http?"), all);
        assertTrue(all.contains("services.web.checks[1].uri") && all.contains("is required"), all);
        assertTrue(all.contains("services.web.checks[2].timeout"), all);
        assertTrue(all.contains("services.web.checks[2].rise: must be >= 1, got 0"), all);
        assertTrue(all.contains("services.cache.reporter_type") && all.contains("not supported: etcd"), all);
        // accepted with a warning (see loadTestConcurrencyAndSslTimeoutAreAcceptedWithOneWarningEach)
        assertFalse(all.contains("load_test_concurrency"), all);
        assertFalse(all.contains("unknown key 'uri'"), "no follow-up noise for a check of unknown type: " + all);
        assertTrue(problems.size() >= 9, all); // ten before load_test_concurrency became a warning
    }

    @Test
    void acceptsStatsdAsHostAndPortAndOurAdminSection() {
        NerveConfig config = read(
                """
                instance_id: box
                statsd: "metrics.local:9125"
                admin: {bind: 0.0.0.0, port: 0}
                services: {}
                """);
        assertEquals(Optional.of(new StatsdTarget("metrics.local", 9125)), config.statsd());
        assertEquals(new AdminSettings("0.0.0.0", 0), config.admin());
        assertTrue(config.services().isEmpty());
        assertTrue(String.join("\n", problems("{instance_id: box, services: {}, statsd: nowhere}"))
                .contains("statsd: must be host:port"));
        assertTrue(String.join("\n", problems("{instance_id: box, services: {}, admin: {port: 70000}}"))
                .contains("admin.port"));
    }

    @Test
    void statsdMetricNamesAreOwnOrOriginal() {
        NerveConfig config =
                read("{instance_id: box, services: {}, statsd: {host: 127.0.0.1, port: 9125, metric_names: original,"
                        + " sample_rate: {nerve.watcher.status.service_check: 0.5}}}");
        assertEquals(
                Optional.of(new StatsdTarget("127.0.0.1", 9125, StatsdTarget.MetricNames.ORIGINAL)), config.statsd());
        assertEquals(
                Optional.of(new StatsdTarget("localhost", 8125, StatsdTarget.MetricNames.OWN)),
                read("{instance_id: box, services: {}, statsd: {}}").statsd());
        assertTrue(String.join("\n", problems("{instance_id: box, services: {}, statsd: {metric_names: ruby}}"))
                .contains("statsd.metric_names: must be own or original, got 'ruby'"));
    }

    @Test
    void readsOurCheckTypesAndZooKeeperKeys() {
        NerveConfig config = read(
                """
                instance_id: box
                services:
                  db:
                    host: ::1
                    port: 6379
                    zk_hosts: [b:2181, a:2181]
                    zk_path: /db
                    zk_session_timeout: 10s
                    zk_digest: "nerve:secret"
                    check_interval: 250ms
                    rate_limiting: {average_rate: inf}
                    checks:
                      - {type: redis, password: pw, database: 2, require_master: true}
                      - {type: exec, command: "/bin/true --flag", timeout: 2s}
                      - {type: exec, command: "exit 1", shell: true}
                      - {type: rabbitmq, vhost: /test}
                      - {type: http, uri: /, ssl: true, ssl_verify: false, expect: OK, headers: {Host: x}}
                      - {type: noop}
                """);
        ServiceConfig db = config.services().get("db");
        assertEquals(Duration.ofMillis(250), db.checkInterval());
        assertEquals("a:2181,b:2181", db.zookeeper().settings().connectString());
        assertEquals(Duration.ofSeconds(10), db.zookeeper().settings().sessionTimeout());
        assertEquals(Optional.of("nerve:secret"), db.zookeeper().settings().digest());
        assertEquals(RateLimitConfig.UNLIMITED.averageRate(), db.rateLimiting().averageRate());
        CheckSpec.Redis redis = (CheckSpec.Redis) db.checks().get(0).spec();
        assertTrue(redis.requireMaster());
        assertEquals(2, redis.database());
        assertEquals(
                List.of("/bin/true", "--flag"),
                ((CheckSpec.Exec) db.checks().get(1).spec()).command());
        assertTrue(((CheckSpec.Exec) db.checks().get(2).spec()).shell());
        assertEquals("/test", ((CheckSpec.RabbitMq) db.checks().get(3).spec()).vhost());
        CheckSpec.Http http = (CheckSpec.Http) db.checks().get(4).spec();
        assertFalse(http.tls().verify());
        assertFalse(http.tls().verifyDefaulted());
        assertEquals(Optional.of("OK"), http.expect());
        assertEquals("db noop-::1:6379", db.checks().get(5).name());
    }

    @Test
    void serviceConfDirFilesOverrideSameNamedEntriesAndInstanceIdFlagWins(@TempDir Path directory) throws Exception {
        Path services = Files.createDirectory(directory.resolve("services"));
        Files.writeString(
                services.resolve("web.json"),
                """
                {"host": "10.0.0.9", "port": 81, "zk_hosts": ["localhost:2181"], "zk_path": "/web"}
                """);
        Files.writeString(services.resolve("api.yaml"), "{host: 10.0.0.8, port: 82, zk_hosts: [z:1], zk_path: /api}");
        Path file = directory.resolve("nerve.yaml");
        Files.writeString(
                file,
                """
                instance_id: from-file
                service_conf_dir: services
                services:
                  web: {host: 10.0.0.1, port: 80, zk_hosts: [localhost:2181], zk_path: /web}
                """);
        NerveConfig config = NerveConfigReader.load(file, Optional.of("from-flag"));
        assertEquals("from-flag", config.instanceId());
        assertEquals(81, config.services().get("web").port());
        assertEquals(
                ServiceConfig.Origin.SERVICE_CONF_DIR,
                config.services().get("web").origin());
        assertEquals(82, config.services().get("api").port());
        Files.delete(services.resolve("web.json"));
        Files.delete(services.resolve("api.yaml"));
        Files.delete(services);
        ConfigException missing =
                assertThrows(ConfigException.class, () -> NerveConfigReader.load(file, Optional.empty()));
        assertTrue(missing.getMessage().contains("service_conf_dir does not exist"), missing.getMessage());
    }

    @TempDir
    Path files;

    @Test
    void serviceConfDirWithoutServicesLoadsEveryFileAsAService() throws Exception {
        Path services = Files.createDirectory(files.resolve("nerve_services"));
        Files.writeString(
                services.resolve("web.json"),
                "{\n\t\"host\": \"10.0.0.1\",\n\t\"port\": 8080,\n\t\"zk_hosts\": [\"localhost:2181\"],\n"
                        + "\t\"zk_path\": \"/nerve/services/web/services\",\n\t\"checks\": [\n"
                        + "\t\t{\"type\": \"tcp\"}\n\t]\n}\n");
        Path file = files.resolve("nerve.conf.json");
        Files.writeString(file, "{\n\t\"instance_id\": \"box-1\",\n\t\"service_conf_dir\": \"nerve_services\"\n}\n");

        NerveConfig config = NerveConfigReader.load(file, Optional.empty());

        assertEquals(List.of("web"), List.copyOf(config.services().keySet()));
        assertEquals(8080, config.services().get("web").port());
        assertEquals(List.of(), config.notices());
    }

    @Test
    void withNeitherServicesNorServiceConfDirServicesIsRequired() {
        List<String> problems = problems("{\"instance_id\": \"box\"}");
        assertThat(problems).anyMatch(p -> p.startsWith("services: is required unless service_conf_dir is set"));
    }

    @Test
    void loadTestConcurrencyAndSslTimeoutAreAcceptedWithOneWarningEach() {
        NerveConfig config = read(
                """
                {
                  "instance_id": "box",
                  "services": {
                    "web": {
                      "host": "10.0.0.1", "port": 8080,
                      "zk_hosts": ["localhost:2181"], "zk_path": "/nerve/services/web/services",
                      "load_test_concurrency": 4,
                      "checks": [{"type": "http", "uri": "/health", "ssl_timeout": 0.5}]
                    }
                  }
                }
                """);

        assertEquals(List.of("web"), List.copyOf(config.services().keySet()), "registered once, not cloned");
        assertThat(config.notices()).hasSize(2);
        assertThat(config.notices().get(0))
                .startsWith("services.web.load_test_concurrency: accepted for compatibility, has no effect:")
                .contains("registered once");
        assertThat(config.notices().get(1))
                .startsWith("services.web.checks[0].ssl_timeout: accepted for compatibility, has no effect:")
                .contains("open_timeout + read_timeout");
        assertThat(ConfigWarnings.of(config)).containsAll(config.notices());
    }

    @Test
    void aTabIndentedJsonFileLoadsAndAJsonErrorNamesLineAndColumn() throws Exception {
        Path good = files.resolve("tabs.json");
        Files.writeString(good, "{\n\t\"instance_id\": \"box\",\n\t\"services\": {}\n}\n");
        assertEquals("box", NerveConfigReader.load(good, Optional.empty()).instanceId());

        Path bad = files.resolve("bad.json");
        Files.writeString(bad, "{\n\t\"instance_id\": \"box\",\n\t\"services\": {},\n}\n");
        ConfigException error =
                assertThrows(ConfigException.class, () -> NerveConfigReader.load(bad, Optional.empty()));
        ConfigProblem problem = error.problems().get(0);
        assertThat(problem.message()).startsWith("not valid JSON:");
        assertEquals(4, problem.line(), problem.toString());
        assertEquals(1, problem.column(), problem.toString());
        assertThat(problem.toString()).contains(bad + ", line 4, column 1");
    }

    @Test
    void aMisspeltKeyInJsonIsStillAnErrorWithASuggestionAndPosition() throws Exception {
        Path file = files.resolve("typo.json");
        Files.writeString(
                file, "{\n\t\"instance_id\": \"box\",\n\t\"services\": {},\n\t\"heartbeat_pth\": \"/tmp/hb\"\n}\n");
        ConfigException error =
                assertThrows(ConfigException.class, () -> NerveConfigReader.load(file, Optional.empty()));
        assertThat(error.getMessage())
                .contains("heartbeat_pth: unknown key 'heartbeat_pth'. Did you mean: heartbeat_path?")
                .contains("line 4, column 2");
    }
}
