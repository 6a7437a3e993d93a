package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.Fixtures;
import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.config.ServiceSettings;
import io.smartstack.synapse.haproxy.config.ServiceSettingsReader;
import io.smartstack.synapse.model.DesiredState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user template sees of each server: every documented key, in the documented order. */
class TemplateServerFieldsTest {
    private static final String SETTINGS = "haproxy:\n  reload_command: 'true'\n  do_socket: false\n"
            + "  server_order_seed: 1\n  global: []\n  defaults: []\n  stats_port: null\n";

    private static HaproxyModel model() {
        HaproxySettings settings = Fixtures.settings(SETTINGS);
        ConfigProblems problems = new ConfigProblems();
        var json = Fixtures.root("s: {port: 3000, server_options: check inter 2s}")
                .raw()
                .get("s");
        ServiceSettings service =
                ServiceSettingsReader.read(ConfigDocument.of(json, "test").root(problems));
        problems.throwIfAny();
        DesiredState desired = DesiredState.of(
                List.of(Fixtures.service("web", List.of(Fixtures.backend("a", "10.0.0.1", 8080)), json)));
        return ModelBuilder.build(ModelBuilder.Context.fresh(settings, false), desired, Map.of("web", service));
    }

    @Test
    void aTemplateListsEveryServerKeyWithItsValue() {
        HaproxyConfigRenderer renderer = HaproxyConfigRenderer.fromText(
                "keys",
                "<#list services as s><#list s.servers as x><#list x?keys as k>"
                        + "${k}=<#if x[k]?is_boolean>${x[k]?c}<#else>${x[k]}</#if>\n</#list></#list></#list>");

        assertEquals(
                "line=server a_10.0.0.1:8080 10.0.0.1:8080 id 1 cookie a_10.0.0.1:8080 check inter 2s\n"
                        + "name=a_10.0.0.1:8080\n"
                        + "host=10.0.0.1\n"
                        + "port=8080\n"
                        + "address=10.0.0.1:8080\n"
                        + "id=1\n"
                        + "cookie=a_10.0.0.1:8080\n"
                        + "options=check inter 2s\n"
                        + "weight=\n"
                        + "disabled=false\n"
                        + "origin=REGISTRY\n",
                renderer.render(model()));
    }

    @Test
    void aTemplateReadsServerFieldsByName() {
        HaproxyConfigRenderer renderer = HaproxyConfigRenderer.fromText(
                "fields",
                "<#list services as s><#list s.servers as x>${x.host} ${x.port} ${x.id} ${x.disabled?c}"
                        + " ${x.nosuchkey!'-'}\n</#list></#list>");

        assertEquals("10.0.0.1 8080 1 false -\n", renderer.render(model()));
    }
}
