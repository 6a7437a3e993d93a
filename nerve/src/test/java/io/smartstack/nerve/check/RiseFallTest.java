package io.smartstack.nerve.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RiseFallTest {
    static Stream<Arguments> sequences() {
        // results as P (pass) / F (fail); expected filtered state after each result as U / D
        return Stream.of(
                Arguments.of(1, 1, "P", "U"),
                Arguments.of(1, 1, "F", "D"),
                Arguments.of(3, 2, "P", "U"),
                Arguments.of(3, 2, "F", "D"),
                Arguments.of(1, 1, "PFPF", "UDUD"),
                Arguments.of(2, 3, "PFFF", "UUUD"),
                Arguments.of(2, 3, "PFFPFFF", "UUUUUUD"),
                Arguments.of(2, 3, "FPP", "DDU"),
                Arguments.of(2, 3, "FPFPP", "DDDDU"),
                Arguments.of(3, 1, "FPPPF", "DDDUD"));
    }

    @ParameterizedTest(name = "rise {0}, fall {1}: {2} -> {3}")
    @MethodSource("sequences")
    void adoptsTheFirstResultThenNeedsRiseOrFallInARow(int rise, int fall, String results, String expected) {
        RiseFall state = RiseFall.initial(rise, fall);
        StringBuilder seen = new StringBuilder();
        for (char result : results.toCharArray()) {
            state = state.next(result == 'P');
            seen.append(state.isUp() ? 'U' : 'D');
        }
        assertEquals(expected, seen.toString());
    }
}
