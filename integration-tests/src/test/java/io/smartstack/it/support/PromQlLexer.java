package io.smartstack.it.support;

import io.smartstack.it.support.PromQl.Kind;
import io.smartstack.it.support.PromQl.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PromQL expression into tokens: identifiers (metric, label, function and keyword names,
 * {@code :} allowed as in recording rule names), numbers and durations ({@code 0.99}, {@code 1e3},
 * {@code 0x1f}, {@code 5m}, {@code 1h30m}), strings in double, single or back quotes (escapes
 * resolved), operators and punctuation. Comments ({@code #} to the end of the line) are dropped.
 */
final class PromQlLexer {
    private static final java.util.Set<String> TWO_CHARACTER_OPERATORS =
            java.util.Set.of("==", "!=", "<=", ">=", "=~", "!~");

    private final String text;
    private int at;

    PromQlLexer(String text) {
        this.text = text;
    }

    List<Token> tokens() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            if (at >= text.length()) {
                return tokens;
            }
            tokens.add(token());
        }
    }

    private Token token() {
        char c = text.charAt(at);
        int start = at;
        if (Character.isLetter(c) || c == '_' || c == ':') {
            while (at < text.length()
                    && (Character.isLetterOrDigit(text.charAt(at)) || "_:".indexOf(text.charAt(at)) >= 0)) {
                at++;
            }
            return new Token(Kind.IDENTIFIER, text.substring(start, at), start);
        }
        if (Character.isDigit(c) || c == '.' && at + 1 < text.length() && Character.isDigit(text.charAt(at + 1))) {
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                at++;
            }
            return new Token(Kind.NUMBER, text.substring(start, at), start);
        }
        if (c == '"' || c == '\'' || c == '`') {
            return string(c);
        }
        if (at + 1 < text.length() && TWO_CHARACTER_OPERATORS.contains(text.substring(at, at + 2))) {
            at += 2;
            return new Token(Kind.OPERATOR, text.substring(start, at), start);
        }
        at++;
        if ("+-*/%^=<>@".indexOf(c) >= 0) {
            return new Token(Kind.OPERATOR, String.valueOf(c), start);
        }
        if ("(){}[],".indexOf(c) >= 0) {
            return new Token(Kind.PUNCTUATION, String.valueOf(c), start);
        }
        throw new IllegalArgumentException("unexpected character '" + c + "' at " + start + " in: " + text);
    }

    private Token string(char quote) {
        int start = at++;
        StringBuilder value = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == quote) {
                return new Token(Kind.STRING, value.toString(), start);
            }
            if (c == '\\' && quote != '`' && at < text.length()) {
                char escaped = text.charAt(at++);
                value.append(
                        switch (escaped) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> escaped;
                        });
            } else {
                value.append(c);
            }
        }
        throw new IllegalArgumentException("unclosed string at " + start + " in: " + text);
    }

    private void skipSpaceAndComments() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isWhitespace(c)) {
                at++;
            } else if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else {
                return;
            }
        }
    }
}
