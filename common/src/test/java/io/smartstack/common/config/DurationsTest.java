package io.smartstack.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void rejectsTextThatIsNotADurationNamingIt() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Durations.parse("fast"));
        assertThat(error.getMessage()).contains("'fast'");
    }

    @Test
    void formatsCompactly() {
        assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Durations.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }
}
