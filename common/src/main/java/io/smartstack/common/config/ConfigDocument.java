package io.smartstack.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed configuration file: its tree, where each key sits in the file (for error messages), and the
 * file's name. A file named {@code *.json} is parsed as JSON (so the originals' tab-indented
 * {@code *.conf.json} files load unchanged: YAML forbids tabs); every other file as YAML, which also reads
 * most JSON. {@code ${VAR}} and {@code ${VAR:-default}} in string values are replaced from the
 * environment when the document is read through {@link #root(ConfigProblems)}.
 */
public final class ConfigDocument {
    private static final ObjectMapper YAML_MAPPER = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    /** How a document's text is parsed. */
    public enum Format {
        JSON,
        YAML;

        /** JSON for a file named {@code *.json}, YAML for everything else. */
        public static Format of(Path file) {
            Path name = file.getFileName();
            return name != null
                            && name.toString()
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .endsWith(".json")
                    ? JSON
                    : YAML;
        }

        ObjectMapper mapper() {
            return this == JSON ? JSON_MAPPER : YAML_MAPPER;
        }
    }

    private final String source;
    private final JsonNode tree;
    private final EnvironmentSubstitution substitution;
    /** The parsed text and its format, until the key locations are first asked for; then null. */
    private String text;

    private Format format;
    private Map<String, JsonLocation> locations;

    private ConfigDocument(
            String source, JsonNode tree, String text, Format format, EnvironmentSubstitution substitution) {
        this.source = source;
        this.tree = tree;
        this.text = text;
        this.format = format;
        this.locations = text == null ? Map.of() : null;
        this.substitution = substitution;
    }

    /** Reads and parses a file; a missing or unparsable file is a {@link ConfigException}. */
    public static ConfigDocument load(Path file) {
        return load(file, EnvironmentSubstitution.system());
    }

    public static ConfigDocument load(Path file, EnvironmentSubstitution substitution) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigException.of(file.toString(), "config file does not exist");
        } catch (IOException e) {
            throw ConfigException.of(file.toString(), "cannot read config file: " + e.getMessage());
        }
        return parse(text, file.toString(), Format.of(file), substitution);
    }

    /** Parses text as YAML; {@code source} names it in error messages. */
    public static ConfigDocument parse(String text, String source) {
        return parse(text, source, EnvironmentSubstitution.system());
    }

    public static ConfigDocument parse(String text, String source, EnvironmentSubstitution substitution) {
        return parse(text, source, Format.YAML, substitution);
    }

    public static ConfigDocument parse(
            String text, String source, Format format, EnvironmentSubstitution substitution) {
        ObjectMapper mapper = format.mapper();
        try {
            JsonNode tree = mapper.readTree(text);
            if (tree == null || tree.isMissingNode()) {
                tree = MissingNode.getInstance();
            }
            return new ConfigDocument(source, tree, text, format, substitution);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            int line = where == null ? 0 : where.getLineNr();
            int column = where == null ? 0 : where.getColumnNr();
            throw new ConfigException(List.of(new ConfigProblem(
                    "",
                    (format == Format.JSON ? "not valid JSON: " : "not valid YAML: ") + e.getOriginalMessage(),
                    source,
                    line,
                    column)));
        }
    }

    /**
     * Wraps a tree that did not come from a file (a znode's JSON, an admin API request body), so it is
     * read and validated the same way. No line numbers are known.
     */
    public static ConfigDocument of(JsonNode tree, String source) {
        return new ConfigDocument(
                source, tree == null ? MissingNode.getInstance() : tree, null, null, EnvironmentSubstitution.system());
    }

    /** The document's top-level node; problems found while reading it are added to {@code problems}. */
    public ConfigNode root(ConfigProblems problems) {
        if (!tree.isMissingNode() && !tree.isObject()) {
            problems.add(new ConfigProblem(
                    "", "the document must be a map of keys, got " + ConfigNode.describe(tree), source, 1, 1));
        }
        return new ConfigNode(this, "", tree, problems);
    }

    public String source() {
        return source;
    }

    EnvironmentSubstitution substitution() {
        return substitution;
    }

    ConfigProblem problemAt(String path, String message) {
        JsonLocation location = locations().get(path);
        int line = location == null ? 0 : location.getLineNr();
        int column = location == null ? 0 : location.getColumnNr();
        return new ConfigProblem(path, message, source, line, column);
    }

    /**
     * Where each key and array element starts, found when a problem or warning first needs it, so a
     * valid config is parsed once, not twice.
     */
    private synchronized Map<String, JsonLocation> locations() {
        if (locations == null) {
            try {
                locations = locate(format.mapper(), text);
            } catch (JsonProcessingException e) {
                locations = Map.of(); // cannot happen: the same text was parsed once already
            }
            text = null;
            format = null;
        }
        return locations;
    }

    /** One pass over the token stream recording where every key and array element starts. */
    private static Map<String, JsonLocation> locate(ObjectMapper mapper, String text) throws JsonProcessingException {
        Map<String, JsonLocation> found = new HashMap<>();
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                JsonStreamContext context = parser.getParsingContext();
                if (token == JsonToken.FIELD_NAME) {
                    found.putIfAbsent(path(context), parser.currentTokenLocation());
                } else if (context.inArray() && (token.isScalarValue() || token.isStructStart())) {
                    JsonStreamContext element = token.isStructStart() ? context.getParent() : context;
                    found.putIfAbsent(path(element), parser.currentTokenLocation());
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading from a string cannot fail", e);
        }
        return found;
    }

    static String path(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        appendPath(context, path);
        return path.toString();
    }

    private static void appendPath(JsonStreamContext context, StringBuilder path) {
        if (context == null || context.inRoot()) {
            return;
        }
        appendPath(context.getParent(), path);
        if (context.inArray()) {
            path.append('[').append(Math.max(context.getCurrentIndex(), 0)).append(']');
        } else if (context.inObject() && context.getCurrentName() != null) {
            if (path.length() > 0) {
                path.append('.');
            }
            path.append(context.getCurrentName());
        }
    }
}
