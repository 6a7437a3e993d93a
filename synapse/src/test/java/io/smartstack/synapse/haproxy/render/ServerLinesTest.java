package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.Fixtures;
import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.ServiceSettings;
import io.smartstack.synapse.haproxy.config.ServiceSettingsReader;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.DesiredState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the original's tests pin about server lines and sections, rendered through the default template. */
class ServerLinesTest {
    private static final String SETTINGS = "haproxy:\n  reload_command: 'true'\n  do_socket: false\n"
            + "  server_order_seed: 1\n  global: []\n  defaults: []\n  stats_port: null\n  hitless_reloads: false\n";

    static String render(String extraSettings, String serviceSection, List<Backend> backends) {
        HaproxySettings settings = Fixtures.settings(SETTINGS + extraSettings);
        ConfigProblems problems = new ConfigProblems();
        var json = Fixtures.root("s: " + serviceSection).raw().get("s");
        ServiceSettings service =
                ServiceSettingsReader.read(ConfigDocument.of(json, "test").root(problems));
        problems.throwIfAny();
        DesiredState desired = DesiredState.of(List.of(Fixtures.service("web", backends, json)));
        HaproxyModel model =
                ModelBuilder.build(ModelBuilder.Context.fresh(settings, false), desired, Map.of("web", service));
        return HaproxyConfigRenderer.withDefaultTemplate().render(model);
    }

    private static Backend registered(String name, String host, int port, long id) {
        return new Backend(
                host,
                port,
                name,
                id > 0 ? OptionalLong.of(id) : OptionalLong.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Map.of(),
                BackendOrigin.REGISTRY);
    }

    static Stream<Arguments> serverLines() {
        Backend plain = registered("i-1", "10.0.0.1", 80, 0);
        Backend unnamed = registered(null, "10.0.0.1", 80, 0);
        Backend withId = registered("i-1", "10.0.0.1", 80, 42);
        Backend withOptions = new Backend(
                "10.0.0.1",
                80,
                "i-1",
                OptionalLong.empty(),
                OptionalInt.of(7),
                Optional.of("backup"),
                Map.of(),
                BackendOrigin.REGISTRY);
        Backend cached = plain.withOrigin(BackendOrigin.STATE_CACHE);
        Backend idInOptions = new Backend(
                "10.0.0.1",
                80,
                "i-1",
                OptionalLong.of(42),
                OptionalInt.empty(),
                Optional.of("check id 17 backup"),
                Map.of(),
                BackendOrigin.REGISTRY,
                OptionalInt.of(9));
        Backend askedId = plain.withHaproxyServerId(9);
        return Stream.of(
                Arguments.of(
                        "{server_options: 'inter 2s'}",
                        "",
                        idInOptions,
                        "server i-1_10.0.0.1:80 10.0.0.1:80 id 17 cookie i-1_10.0.0.1:80 inter 2s check backup"),
                Arguments.of("{}", "", askedId, "server i-1_10.0.0.1:80 10.0.0.1:80 id 9 cookie i-1_10.0.0.1:80"),
                Arguments.of("{}", "", plain, "server i-1_10.0.0.1:80 10.0.0.1:80 id 1 cookie i-1_10.0.0.1:80"),
                Arguments.of("{}", "", unnamed, "server 10.0.0.1:80 10.0.0.1:80 id 1 cookie 10.0.0.1:80"),
                Arguments.of("{}", "", withId, "server i-1_10.0.0.1:80 10.0.0.1:80 id 42 cookie i-1_10.0.0.1:80"),
                Arguments.of(
                        "{cookie_value_method: hash}",
                        "",
                        plain,
                        "server i-1_10.0.0.1:80 10.0.0.1:80 id 1 cookie d16e1b5cc597807870b0c6a6d840e5c37ea37d7a"),
                Arguments.of("{backend: ['mode tcp']}", "", plain, "server i-1_10.0.0.1:80 10.0.0.1:80 id 1"),
                Arguments.of("{listen: ['mode tcp']}", "", plain, "server i-1_10.0.0.1:80 10.0.0.1:80 id 1"),
                Arguments.of(
                        "{server_options: 'check port %{port} addr %{host} # %{name}'}",
                        "",
                        plain,
                        "server i-1_10.0.0.1:80 10.0.0.1:80 id 1 cookie i-1_10.0.0.1:80 check port 80 addr 10.0.0.1 # i-1"),
                Arguments.of(
                        "{server_options: check}",
                        "",
                        withOptions,
                        "server i-1_10.0.0.1:80 10.0.0.1:80 id 1 cookie i-1_10.0.0.1:80 check backup"),
                Arguments.of(
                        "{server_options: check}",
                        "  use_nerve_weights: true\n",
                        withOptions,
                        "server i-1_10.0.0.1:80 10.0.0.1:80 id 1 cookie i-1_10.0.0.1:80 check backup weight 7"),
                // where the original's README puts it: in the service's haproxy section
                Arguments.of(
                        "{server_options: check, use_nerve_weights: true}",
                        "",
                        withOptions,
                        "server i-1_10.0.0.1:80 10.0.0.1:80 id 1 cookie i-1_10.0.0.1:80 check backup weight 7"),
                Arguments.of(
                        "{}", "", cached, "server i-1_10.0.0.1:80 10.0.0.1:80 id 1 cookie i-1_10.0.0.1:80 disabled"),
                Arguments.of(
                        "{}", "", registered("v6", "::1", 80, 0), "server v6_::1:80 [::1]:80 id 1 cookie v6_::1:80"));
    }

    @ParameterizedTest
    @MethodSource("serverLines")
    void writesServerLinesAsTheOriginal(String section, String settings, Backend backend, String line) {
        String config = render(settings, section, List.of(backend));
        assertTrue(config.contains("\n\t" + line + "\n"), config);
    }

    static Stream<Arguments> frontends() {
        return Stream.of(
                Arguments.of("{port: 3213}", "\tbind localhost:3213\n\tdefault_backend web\n"),
                Arguments.of("{port: null, bind_address: /run/web.sock}", "\tbind /run/web.sock\n"),
                Arguments.of(
                        "{port: 3213, bind_address: 0.0.0.0, bind_options: 'ssl crt /x.pem'}",
                        "\tbind 0.0.0.0:3213 ssl crt /x.pem\n"),
                Arguments.of("{port: 3213, backend_name: web-v2}", "\tdefault_backend web-v2\n\nbackend web-v2\n"),
                Arguments.of(
                        "{port: 3213, listen: ['mode http', 'option httplog', 'option httpchk GET /h', 'http-reuse safe', 'timeout client 5s', 'timeout server 5s', 'http-request set-header X-A 1']}",
                        "frontend web\n\tmode http\n\toption httplog\n\ttimeout client 5s\n\thttp-request set-header X-A 1\n\tbind localhost:3213\n"
                                + "\tdefault_backend web\n\nbackend web\n\tmode http\n\toption httpchk GET /h\n\thttp-reuse safe\n"
                                + "\ttimeout server 5s\n\thttp-request set-header X-A 1\n"));
    }

    @ParameterizedTest
    @MethodSource("frontends")
    void writesFrontendsAsTheOriginal(String section, String expected) {
        String config = render("", section, List.of());
        assertTrue(config.contains(expected), config);
    }

    @Test
    void aServiceWithoutPortGetsABackendOnly() {
        String config = render("", "{}", List.of());
        assertFalse(config.contains("frontend web"), config);
        assertTrue(config.contains("\nbackend web\n"), config);
    }

    @Test
    void aGlobalBindAddressIsTheDefault() {
        assertTrue(render("  bind_address: 127.0.0.2\n", "{port: 1}", List.of()).contains("\tbind 127.0.0.2:1\n"));
    }

    @Test
    void theSharedFrontendGathersTheServicesLines() {
        String config = render(
                "  shared_frontend: ['bind 127.0.0.1:8081']\n",
                "{shared_frontend: ['acl is_web hdr_dom(host) -i web', 'use_backend web if is_web']}",
                List.of());
        assertTrue(
                config.endsWith("\nfrontend shared-frontend\n\tbind 127.0.0.1:8081\n\tacl is_web hdr_dom(host) -i web\n"
                        + "\tuse_backend web if is_web\n"),
                config);
    }

    @Test
    void orderingIsAscendingDescendingAsGivenOrSeeded() {
        List<Backend> backends =
                List.of(registered("c", "h", 1, 0), registered("a", "h", 1, 0), registered("b", "h", 1, 0));
        assertEquals(List.of("a_h:1", "b_h:1", "c_h:1"), names(render("", "{backend_order: asc}", backends)));
        assertEquals(List.of("c_h:1", "b_h:1", "a_h:1"), names(render("", "{backend_order: desc}", backends)));
        assertEquals(List.of("c_h:1", "a_h:1", "b_h:1"), names(render("", "{backend_order: no_shuffle}", backends)));
        List<String> seeded = names(render("", "{}", backends));
        assertEquals(seeded, names(render("", "{}", List.of(backends.get(2), backends.get(0), backends.get(1)))));
    }

    @Test
    void aDisabledServiceIsLeftOut() {
        assertFalse(render("", "{disabled: true, port: 1}", List.of()).contains("web"));
    }

    @Test
    void modernDirectivesPassThrough() {
        String config = render(
                "",
                "{port: 1, frontend: ['http-request return status 200 if { path /ping }'],"
                        + " backend: ['http-reuse always', 'option http-restrict-req-hdr-names reject']}",
                List.of());
        assertTrue(config.contains("\thttp-request return status 200 if { path /ping }\n"));
        assertTrue(config.contains("\toption http-restrict-req-hdr-names reject\n"));
    }

    @Test
    void theFileHasNoTimestampSoTheSameStateRendersTheSameText() {
        List<Backend> backends = List.of(registered("a", "h", 1, 0));
        assertEquals(render("", "{port: 1}", backends), render("", "{port: 1}", backends));
    }

    @Test
    void aUserTemplateReplacesTheDefault(@TempDir Path directory) throws Exception {
        Path template = directory.resolve("t.ftl");
        Files.writeString(
                template,
                "<#list services as s>${s.name}:<#list s.servers as x> ${x.address}#${x.id}</#list>\n</#list>");
        HaproxyConfigRenderer renderer = HaproxyConfigRenderer.fromFile(template);
        HaproxySettings settings = Fixtures.settings(SETTINGS);
        DesiredState desired =
                DesiredState.of(List.of(Fixtures.service("web", List.of(registered("a", "h", 1, 9)), null)));
        String text =
                renderer.render(ModelBuilder.build(ModelBuilder.Context.fresh(settings, false), desired, Map.of()));
        assertEquals("web: h:1#9\n", text);
    }

    private static List<String> names(String config) {
        return config.lines()
                .filter(line -> line.startsWith("\tserver "))
                .map(line -> line.split(" ")[1])
                .toList();
    }
}
