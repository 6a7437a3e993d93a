package io.smartstack.common.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way the original configs write them: a bare number is seconds ({@code 0.5},
 * {@code 2}), and a string may carry a unit ({@code 500ms}, {@code 2s}, {@code 1.5m}, {@code 1h}).
 */
public final class Durations {
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {}

    /** A number of seconds, possibly fractional, as written in the original configs. */
    public static Duration ofSeconds(BigDecimal seconds) {
        if (seconds.signum() < 0) {
            throw new IllegalArgumentException("duration must not be negative: " + seconds.toPlainString());
        }
        return Duration.ofNanos(seconds.movePointRight(9)
                .setScale(0, java.math.RoundingMode.HALF_UP)
                .longValueExact());
    }

    /**
     * Parses {@code "500ms"}, {@code "2s"}, {@code "1.5m"}, {@code "1h"} or a plain number of seconds.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static Duration parse(String text) {
        Matcher matcher = WITH_UNIT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "not a duration: '" + text + "' (use seconds as a number, or a number with ms, s, m or h)");
        }
        BigDecimal amount = new BigDecimal(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        BigDecimal seconds =
                switch (unit) {
                    case "ms" -> amount.movePointLeft(3);
                    case "s" -> amount;
                    case "m" -> amount.multiply(BigDecimal.valueOf(60));
                    case "h" -> amount.multiply(BigDecimal.valueOf(3600));
                    default -> throw new IllegalStateException("unit " + unit);
                };
        return ofSeconds(seconds);
    }

    /** Renders a duration compactly for messages and status pages: {@code 500ms}, {@code 2s}, {@code 1.5s}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return (millis / 1000) + "s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        return BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros().toPlainString() + "s";
    }
}
