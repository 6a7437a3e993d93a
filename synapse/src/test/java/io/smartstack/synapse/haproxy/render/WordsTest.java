package io.smartstack.synapse.haproxy.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Config lines cut into words and normalised as the regex versions did. */
class WordsTest {
    @Test
    void wordsIgnoreLeadingTrailingAndRepeatedWhitespace() {
        assertArrayEquals(new String[] {"balance", "roundrobin"}, Words.of("  balance \t roundrobin \n"));
        assertArrayEquals(new String[] {"check"}, Words.of("check"));
        assertArrayEquals(new String[] {""}, Words.of("   "));
    }

    @Test
    void normalisedLinesHaveSingleSpaces() {
        for (String line : new String[] {
            "stats socket /run/h.sock",
            "  stats   socket\t/run/h.sock ",
            "stats\tsocket /run/h.sock",
            "x",
            "",
            " a  b\u000Bc "
        }) {
            assertEquals(line.trim().replaceAll("\\s+", " "), Words.normalized(line), line);
        }
    }
}
