package io.smartstack.synapse.haproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblem;
import io.smartstack.common.config.ConfigProblems;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HAProxy 1.x section titles with an address become the title and a bind line. */
class SectionTitlesTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "listen stats :3212|listen stats|bind :3212",
                "frontend public 0.0.0.0:80,0.0.0.0:8080|frontend public|bind 0.0.0.0:80,0.0.0.0:8080",
                "listen  admin   127.0.0.1:9000  |listen admin|bind 127.0.0.1:9000"
            })
    void titlesWithAnAddressAreTranslated(String title, String translated, String bind) {
        assertEquals(Optional.of(new SectionTitles.Translation(translated, bind)), SectionTitles.translate(title));
    }

    @ParameterizedTest
    @CsvSource({"listen stats", "backend legacy", "frontend web", "userlist admins", "peers mypeers"})
    void otherTitlesStayAsTheyAre(String title) {
        assertEquals(Optional.empty(), SectionTitles.translate(title));
    }

    @Test
    void theHaproxySectionWritesTheBindLineFirstAndWarnsOnce() {
        ConfigProblems problems = new ConfigProblems();
        var node = ConfigDocument.parse(
                        """
                        {
                        \t"reload_command": "true", "do_socket": false, "global": [], "defaults": [],
                        \t"extra_sections": {
                        \t\t"listen stats :3212": ["mode http", "stats enable"],
                        \t\t"backend legacy": ["mode tcp"]
                        \t}
                        }
                        """,
                        "synapse.conf.json",
                        ConfigDocument.Format.JSON,
                        io.smartstack.common.config.EnvironmentSubstitution.of(Map.of()))
                .root(problems);
        HaproxySettings settings = SettingsReader.read(node, false);

        assertTrue(problems.isEmpty(), problems.list().toString());
        assertEquals(
                Map.of(
                        "listen stats",
                        List.of("bind :3212", "mode http", "stats enable"),
                        "backend legacy",
                        List.of("mode tcp")),
                settings.extraSections());
        List<ConfigProblem> warnings = problems.warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("extra_sections.listen stats :3212", warnings.get(0).path());
        assertTrue(warnings.get(0).message().contains("written as section 'listen stats' starting with 'bind :3212'"));
        assertEquals(4, warnings.get(0).line());
    }

    @Test
    void aTranslatedTitleThatIsAlsoWrittenOutIsAnError() {
        ConfigProblems problems = new ConfigProblems();
        var node = ConfigDocument.parse(
                        "{reload_command: 'true', do_socket: false, global: [], defaults: [],"
                                + " extra_sections: {'listen stats :3212': [], 'listen stats': []}}",
                        "test.yaml")
                .root(problems);
        SettingsReader.read(node, false);
        assertTrue(
                problems.list().stream()
                        .anyMatch(p -> p.message().contains("is the section 'listen stats' a second time")),
                problems.list().toString());
    }
}
