package io.smartstack.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cursor over one map in a configuration document that reads typed values and records every
 * problem instead of stopping at the first. Each key read is remembered as known; {@link #finish()}
 * then reports the keys nobody read as unknown, with a "did you mean" suggestion.
 *
 * <p>Getters never throw for bad input: they record a problem naming the key path and the bad
 * value, and return the default so that reading can go on and find the next problem.
 */
public final class ConfigNode {
    private final ConfigDocument document;
    private final String path;
    private final JsonNode node;
    private final ConfigProblems problems;
    private final Set<String> known = new LinkedHashSet<>();

    ConfigNode(ConfigDocument document, String path, JsonNode node, ConfigProblems problems) {
        this.document = document;
        this.path = path;
        this.node = node == null ? MissingNode.getInstance() : node;
        this.problems = problems;
    }

    public String path() {
        return path;
    }

    public String source() {
        return document.source();
    }

    public ConfigProblems problems() {
        return problems;
    }

    /** True when this node is present in the document (possibly as an explicit null). */
    public boolean isPresent() {
        return !node.isMissingNode();
    }

    public boolean isNull() {
        return node.isNull();
    }

    public boolean isMap() {
        return node.isObject();
    }

    /** True when {@code key} is present, even with a null value (the originals distinguish the two). */
    public boolean has(String key) {
        return node.isObject() && node.has(key);
    }

    /** The raw subtree, for values passed through as they are. Marks nothing as known. */
    public JsonNode raw() {
        return node;
    }

    /** The keys present in this map, in document order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(keys::add);
        }
        return keys;
    }

    /** The child at {@code key} (possibly missing), which also marks {@code key} as known. */
    public ConfigNode child(String key) {
        known.add(key);
        return new ConfigNode(document, childPath(key), node.isObject() ? node.get(key) : null, problems);
    }

    /** The child at {@code key}, which must be a map; a problem is recorded otherwise. */
    public ConfigNode map(String key) {
        ConfigNode child = child(key);
        if (child.isPresent() && !child.node.isObject() && !child.node.isNull()) {
            child.problem("must be a map of keys, got " + describe(child.node));
        }
        return child;
    }

    public void accept(String... keys) {
        known.addAll(List.of(keys));
    }

    public Optional<String> optionalString(String key) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            problemAt(key, "must be a string, got " + describe(value));
            return Optional.empty();
        }
        return Optional.of(substitute(key, value.asText()));
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public String requiredString(String key) {
        Optional<String> value = optionalString(key);
        if (value.isEmpty() && !has(key)) {
            problemAt(key, "is required");
        } else if (value.isEmpty() && isNullAt(key)) {
            problemAt(key, "is required and must not be null");
        } else if (value.isPresent() && value.get().isBlank()) {
            problemAt(key, "must not be empty");
        }
        return value.orElse("");
    }

    /** A string restricted to {@code allowed}; anything else is a problem listing the allowed values. */
    public String oneOf(String key, String defaultValue, Collection<String> allowed) {
        String value = string(key, defaultValue);
        if (value != null && !allowed.contains(value)) {
            String hint = Suggestions.closest(value, allowed)
                    .map(s -> ". Did you mean: " + s + "?")
                    .orElse("");
            problemAt(key, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'" + hint);
            return defaultValue;
        }
        return value;
    }

    public Optional<Long> optionalLong(String key) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Optional.of(value.asLong());
        }
        if (value.isTextual()) {
            String text = substitute(key, value.asText()).trim();
            if (text.matches("-?\\d{1,18}")) {
                return Optional.of(Long.parseLong(text));
            }
        }
        problemAt(key, "must be a whole number, got " + describe(value));
        return Optional.empty();
    }

    public Optional<Integer> optionalInteger(String key) {
        Optional<Long> value = optionalLong(key);
        if (value.isPresent() && (value.get() > Integer.MAX_VALUE || value.get() < Integer.MIN_VALUE)) {
            problemAt(key, "is out of range: " + value.get());
            return Optional.empty();
        }
        return value.map(Long::intValue);
    }

    public int integer(String key, int defaultValue) {
        return optionalInteger(key).orElse(defaultValue);
    }

    /** A whole number that must be at least {@code minimum}. */
    public int integerAtLeast(String key, int defaultValue, int minimum) {
        int value = integer(key, defaultValue);
        if (value < minimum) {
            problemAt(key, "must be >= " + minimum + ", got " + value);
            return defaultValue;
        }
        return value;
    }

    public Optional<Integer> optionalPort(String key) {
        Optional<Integer> port = optionalInteger(key);
        if (port.isPresent() && (port.get() < 1 || port.get() > 65535)) {
            problemAt(key, "must be a port number between 1 and 65535, got " + port.get());
            return Optional.empty();
        }
        return port;
    }

    public int requiredPort(String key) {
        if (!has(key) || isNullAt(key)) {
            known.add(key);
            problemAt(key, "is required");
            return 0;
        }
        return optionalPort(key).orElse(0);
    }

    public Optional<BigDecimal> optionalNumber(String key) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            return Optional.of(value.decimalValue());
        }
        if (value.isTextual()) {
            try {
                return Optional.of(
                        new BigDecimal(substitute(key, value.asText()).trim()));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problemAt(key, "must be a number, got " + describe(value));
        return Optional.empty();
    }

    public boolean bool(String key, boolean defaultValue) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual()) {
            String text = substitute(key, value.asText()).trim().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
        }
        problemAt(key, "must be true or false, got " + describe(value));
        return defaultValue;
    }

    /** A duration: a number of seconds as in the originals ({@code 0.5}) or a string with a unit ({@code 500ms}). */
    public Optional<Duration> optionalDuration(String key) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            if (value.isNumber()) {
                return Optional.of(Durations.ofSeconds(value.decimalValue()));
            }
            if (value.isTextual()) {
                return Optional.of(Durations.parse(substitute(key, value.asText())));
            }
        } catch (IllegalArgumentException e) {
            problemAt(key, e.getMessage());
            return Optional.empty();
        }
        problemAt(key, "must be a duration (seconds, or a string such as 500ms or 2s), got " + describe(value));
        return Optional.empty();
    }

    public Duration duration(String key, Duration defaultValue) {
        return optionalDuration(key).orElse(defaultValue);
    }

    /** A duration that must be greater than zero. */
    public Duration positiveDuration(String key, Duration defaultValue) {
        Optional<Duration> value = optionalDuration(key);
        if (value.isPresent() && (value.get().isZero() || value.get().isNegative())) {
            problemAt(key, "must be > 0, got " + value.get().toMillis() + "ms");
            return defaultValue;
        }
        return value.orElse(defaultValue);
    }

    /** A list of strings; a single string is accepted as a list of one (the originals allow both). */
    public List<String> stringList(String key) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return List.of();
        }
        if (value.isValueNode()) {
            return List.of(substitute(key, value.asText()));
        }
        if (!value.isArray()) {
            problemAt(key, "must be a list of strings, got " + describe(value));
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String elementPath = key + "[" + i + "]";
            if (!element.isValueNode() || element.isNull()) {
                problemAt(elementPath, "must be a string, got " + describe(element));
            } else {
                result.add(substitute(elementPath, element.asText()));
            }
        }
        return List.copyOf(result);
    }

    /** A map of string to string, in document order (labels, headers). */
    public Map<String, String> stringMap(String key) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            problemAt(key, "must be a map of strings, got " + describe(value));
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String entryPath = key + "." + entry.getKey();
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                problemAt(entryPath, "must be a string, got " + describe(entry.getValue()));
            } else {
                result.put(
                        entry.getKey(), substitute(entryPath, entry.getValue().asText()));
            }
        }
        return java.util.Collections.unmodifiableMap(result);
    }

    /** The elements of a list of maps. */
    public List<ConfigNode> list(String key) {
        known.add(key);
        JsonNode value = value(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            problemAt(key, "must be a list, got " + describe(value));
            return List.of();
        }
        List<ConfigNode> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            ConfigNode element = new ConfigNode(document, childPath(key) + "[" + i + "]", value.get(i), problems);
            if (!value.get(i).isObject()) {
                element.problem("must be a map of keys, got " + describe(value.get(i)));
            } else {
                result.add(element);
            }
        }
        return List.copyOf(result);
    }

    /** The entries of a map whose keys are names (services, sections), in document order. */
    public Map<String, ConfigNode> entries(String key) {
        ConfigNode child = child(key);
        if (!child.isPresent() || child.isNull()) {
            return Map.of();
        }
        if (!child.node.isObject()) {
            child.problem("must be a map, got " + describe(child.node));
            return Map.of();
        }
        return child.entries();
    }

    /** This map's own entries, in document order. */
    public Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> result = new LinkedHashMap<>();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                known.add(entry.getKey());
                result.put(
                        entry.getKey(),
                        new ConfigNode(document, childPath(entry.getKey()), entry.getValue(), problems));
            }
        }
        return java.util.Collections.unmodifiableMap(result);
    }

    /**
     * Records a "not supported" problem when {@code key} is present: for keys the original SmartStack
     * accepts that this implementation does not.
     */
    public void notSupported(String key, String explanation) {
        known.add(key);
        if (has(key)) {
            problemAt(key, "not supported: " + explanation);
        }
    }

    /**
     * Accepts {@code key} of the original SmartStack without acting on it: when present, one warning
     * saying what it did there and why it has no effect here.
     */
    public void ignored(String key, String explanation) {
        known.add(key);
        if (has(key)) {
            warnAt(key, "accepted for compatibility, has no effect: " + explanation);
        }
    }

    /** Records a warning about {@code key} of this node (the configuration stays valid). */
    public void warnAt(String key, String message) {
        problems.warn(document.problemAt(childPath(key), message));
    }

    /** Records a problem about this node. */
    public void problem(String message) {
        problems.add(document.problemAt(path, message));
    }

    /** Records a problem about {@code key} of this node. */
    public void problemAt(String key, String message) {
        problems.add(document.problemAt(childPath(key), message));
    }

    /** Reports every key of this map that was never read, suggesting the closest known key. */
    public void finish() {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                String hint = Suggestions.closest(key, known)
                        .map(s -> ". Did you mean: " + s + "?")
                        .orElse("");
                problemAt(key, "unknown key '" + key + "'" + hint);
            }
        }
    }

    private JsonNode value(String key) {
        if (!node.isObject()) {
            return null;
        }
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private boolean isNullAt(String key) {
        return node.isObject() && node.has(key) && node.get(key).isNull();
    }

    private String substitute(String key, String text) {
        EnvironmentSubstitution.Result result = document.substitution().apply(text);
        result.missingVariable()
                .ifPresent(name -> problemAt(
                        key,
                        "environment variable " + name + " is not set (write ${" + name
                                + ":-default} to give a default)"));
        return result.value();
    }

    private String childPath(String key) {
        if (key.startsWith("[")) {
            return path + key;
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isNull()) {
            return "null";
        }
        if (value.isObject()) {
            return "a map";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isTextual()) {
            return "'" + value.asText() + "'";
        }
        return value.toString();
    }
}
