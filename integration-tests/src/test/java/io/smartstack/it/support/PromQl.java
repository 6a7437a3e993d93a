package io.smartstack.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the parts of a PromQL expression that must match what a target exports: every series
 * selector (metric name and label matchers, including {@code {__name__="x"}}), and every label
 * named in a grouping ({@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left},
 * {@code group_right}) together with the selectors it applies to (the aggregated argument for
 * {@code by}/{@code without}, the enclosing parentheses for the vector matching keywords).
 *
 * <p>Function and aggregation names, keywords, numbers, strings, ranges ({@code [5m]}, subqueries
 * {@code [1h:1m]}), {@code offset} and {@code @} modifiers are skipped. Grafana variables are
 * replaced first ({@code $__rate_interval} and friends by a duration; {@code $var} inside strings
 * stays). Not a full PromQL parser: it does not check operator precedence or types, and label
 * names produced by {@code label_replace}/{@code label_join} are not followed; an expression it
 * cannot read (an unclosed brace, string or parenthesis, a bad matcher) is an error naming the
 * expression and the position.
 */
public final class PromQl {
    private static final Set<String> KEYWORDS = Set.of("bool", "and", "or", "unless", "atan2");
    private static final Set<String> AGGREGATION_GROUPING = Set.of("by", "without");
    private static final Set<String> MATCHING_GROUPING = Set.of("on", "ignoring", "group_left", "group_right");
    private static final Set<String> NUMBERS = Set.of("inf", "nan");
    private static final Set<String> AGGREGATIONS = Set.of(
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile",
            "limitk",
            "limit_ratio");

    private final String expression;
    private final List<Token> tokens;
    private int position;
    private final List<Selector> selectors = new ArrayList<>();
    private final List<Grouping> groupings = new ArrayList<>();

    public record Matcher(String label, String operator, String value) {}

    public record Selector(String metric, List<Matcher> matchers) {}

    /** {@code labels} named by {@code keyword}; each should exist on at least one of {@code scope}. */
    public record Grouping(String keyword, List<String> labels, List<Selector> scope) {}

    public record Query(String expression, List<Selector> selectors, List<Grouping> groupings) {}

    private PromQl(String expression) {
        this.expression = expression;
        this.tokens = new PromQlLexer(grafanaVariablesReplaced(expression)).tokens();
    }

    public static Query parse(String expression) {
        PromQl parser = new PromQl(expression);
        List<Selector> all = parser.group(false);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no series selector in: " + expression);
        }
        return new Query(expression, List.copyOf(parser.selectors), List.copyOf(parser.groupings));
    }

    /**
     * A Grafana variable query: {@code label_values(selector, label)} (the label must exist on the
     * selector's series), {@code label_values(label)}, or any other text read as PromQL.
     */
    public static Query parseVariableQuery(String query) {
        java.util.regex.Matcher labelValues = java.util.regex.Pattern.compile(
                        "\\s*label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*",
                        java.util.regex.Pattern.DOTALL)
                .matcher(query);
        if (!labelValues.matches()) {
            return parse(query);
        }
        Query selector = parse(labelValues.group(1));
        List<Grouping> groupings = new ArrayList<>(selector.groupings());
        groupings.add(new Grouping("label_values", List.of(labelValues.group(2)), selector.selectors()));
        return new Query(query, selector.selectors(), List.copyOf(groupings));
    }

    /** Grafana's interval variables become a duration; other {@code $variables} only occur in strings. */
    static String grafanaVariablesReplaced(String expression) {
        return expression.replaceAll("\\$__(rate_)?interval|\\$__range|\\$\\{__(rate_)?interval}", "5m");
    }

    /** Reads up to the closing parenthesis (when {@code nested}) or the end; returns the selectors read. */
    private List<Selector> group(boolean nested) {
        List<Selector> inGroup = new ArrayList<>();
        List<Selector> lastGroup = null;
        List<String> pendingBy = null;
        String pendingKeyword = null;
        List<Grouping> matching = new ArrayList<>();
        while (position < tokens.size()) {
            Token token = tokens.get(position);
            if (token.is(")")) {
                if (!nested) {
                    throw error("unbalanced ')'", token);
                }
                position++;
                closeMatching(matching, inGroup);
                return inGroup;
            }
            if (token.is("(")) {
                position++;
                List<Selector> inner = group(true);
                inGroup.addAll(inner);
                lastGroup = inner;
                if (pendingBy != null) {
                    groupings.add(new Grouping(pendingKeyword, pendingBy, List.copyOf(inner)));
                    pendingBy = null;
                }
                continue;
            }
            if (token.is("[")) {
                skipPast("]");
                continue;
            }
            if (token.is("{")) {
                position++;
                addSelector(null, matchers(token), inGroup);
                continue;
            }
            if (token.kind() != Kind.IDENTIFIER) {
                position++;
                continue;
            }
            String word = token.text().toLowerCase(Locale.ROOT);
            Token previous = position > 0 ? tokens.get(position - 1) : null;
            position++;
            if (AGGREGATION_GROUPING.contains(word)) {
                List<String> labels = labelList(token);
                if (previous != null && previous.is(")") && lastGroup != null) {
                    groupings.add(new Grouping(word, labels, List.copyOf(lastGroup)));
                } else {
                    pendingBy = labels;
                    pendingKeyword = word;
                }
            } else if (MATCHING_GROUPING.contains(word)) {
                if (peek("(")) {
                    matching.add(new Grouping(word, labelList(token), List.of()));
                }
            } else if (word.equals("offset")) {
                if (peek("-")) {
                    position++;
                }
                position++;
            } else if (KEYWORDS.contains(word)
                    || NUMBERS.contains(word)
                    || peek("(")
                    || aggregationWithGrouping(word)) {
                // a keyword, a number, or a function / aggregation name: its argument is the next group
            } else {
                List<Matcher> matchers = List.of();
                if (peek("{")) {
                    Token open = tokens.get(position++);
                    matchers = matchers(open);
                }
                addSelector(token.text(), matchers, inGroup);
            }
        }
        if (nested) {
            throw new IllegalArgumentException("unclosed '(' in: " + expression);
        }
        closeMatching(matching, inGroup);
        return inGroup;
    }

    private void closeMatching(List<Grouping> matching, List<Selector> scope) {
        for (Grouping grouping : matching) {
            groupings.add(new Grouping(grouping.keyword(), grouping.labels(), List.copyOf(scope)));
        }
    }

    private void addSelector(String name, List<Matcher> matchers, List<Selector> inGroup) {
        String metric = name;
        List<Matcher> labels = new ArrayList<>();
        for (Matcher matcher : matchers) {
            if (matcher.label().equals("__name__") && matcher.operator().equals("=")) {
                metric = matcher.value();
            } else {
                labels.add(matcher);
            }
        }
        if (metric == null) {
            throw new IllegalArgumentException("selector without a metric name in: " + expression);
        }
        Selector selector = new Selector(metric, List.copyOf(labels));
        selectors.add(selector);
        inGroup.add(selector);
    }

    /** {@code label op "value", ...}: the opening brace has been read. */
    private List<Matcher> matchers(Token open) {
        List<Matcher> matchers = new ArrayList<>();
        while (true) {
            Token label = next(open);
            if (label.is("}")) {
                return matchers;
            }
            if (label.kind() != Kind.IDENTIFIER) {
                throw error("expected a label name", label);
            }
            Token operator = next(open);
            if (!Set.of("=", "!=", "=~", "!~").contains(operator.text()) || operator.kind() != Kind.OPERATOR) {
                throw error("expected =, !=, =~ or !~ after " + label.text(), operator);
            }
            Token value = next(open);
            if (value.kind() != Kind.STRING) {
                throw error("expected a quoted value for " + label.text(), value);
            }
            matchers.add(new Matcher(label.text(), operator.text(), value.text()));
            Token separator = next(open);
            if (separator.is("}")) {
                return matchers;
            }
            if (!separator.is(",")) {
                throw error("expected ',' or '}'", separator);
            }
        }
    }

    /** {@code (label, ...)} after a grouping keyword. */
    private List<String> labelList(Token keyword) {
        Token open = next(keyword);
        if (!open.is("(")) {
            throw error("expected '(' after " + keyword.text(), open);
        }
        List<String> labels = new ArrayList<>();
        while (true) {
            Token token = next(open);
            if (token.is(")")) {
                return List.copyOf(labels);
            }
            if (token.is(",")) {
                continue;
            }
            if (token.kind() != Kind.IDENTIFIER) {
                throw error("expected a label name", token);
            }
            labels.add(token.text());
        }
    }

    private void skipPast(String close) {
        Token open = tokens.get(position++);
        while (!next(open).is(close)) {
            // a range or subquery: durations, ':', nothing that names a series
        }
    }

    private boolean aggregationWithGrouping(String word) {
        if (!AGGREGATIONS.contains(word) || position >= tokens.size()) {
            return false;
        }
        String next = tokens.get(position).text().toLowerCase(Locale.ROOT);
        return tokens.get(position).kind() == Kind.IDENTIFIER && AGGREGATION_GROUPING.contains(next);
    }

    private boolean peek(String text) {
        return position < tokens.size() && tokens.get(position).is(text);
    }

    private Token next(Token after) {
        if (position >= tokens.size()) {
            throw error("unexpected end after", after);
        }
        return tokens.get(position++);
    }

    private IllegalArgumentException error(String problem, Token at) {
        return new IllegalArgumentException(problem + " '" + at.text() + "' at " + at.offset() + " in: " + expression);
    }

    enum Kind {
        IDENTIFIER,
        NUMBER,
        STRING,
        OPERATOR,
        PUNCTUATION
    }

    record Token(Kind kind, String text, int offset) {
        boolean is(String punctuation) {
            return kind == Kind.PUNCTUATION && text.equals(punctuation)
                    || kind == Kind.OPERATOR && text.equals(punctuation);
        }
    }
}
