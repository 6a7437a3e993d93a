package io.smartstack.synapse.haproxy.render;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import io.smartstack.synapse.haproxy.render.HaproxyModel.Section;
import io.smartstack.synapse.haproxy.render.HaproxyModel.ServiceModel;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders a {@link HaproxyModel} to haproxy.cfg text through a FreeMarker template: the default one
 * (the original Synapse's layout) or the user's {@code template_path}. Pure: the same model always
 * gives the same text (no timestamp), so an unchanged state writes nothing. The data model given to
 * templates is documented in docs/haproxy-config.md.
 */
public final class HaproxyConfigRenderer {
    static final String DEFAULT_TEMPLATE = "io/smartstack/synapse/haproxy/render/haproxy.cfg.ftl";

    private final Template template;
    private final boolean defaultTemplate;

    private HaproxyConfigRenderer(Template template, boolean defaultTemplate) {
        this.template = template;
        this.defaultTemplate = defaultTemplate;
    }

    /**
     * True for the default template: each service's section then depends on that service's model only,
     * so a change to one service's servers changes nothing else in the text.
     */
    public boolean isDefaultTemplate() {
        return defaultTemplate;
    }

    public static HaproxyConfigRenderer withDefaultTemplate() {
        try (var in = HaproxyConfigRenderer.class.getClassLoader().getResourceAsStream(DEFAULT_TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("default template missing from the jar: " + DEFAULT_TEMPLATE);
            }
            return fromText("default haproxy template", new String(in.readAllBytes(), StandardCharsets.UTF_8), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a user template; a missing file or a syntax error is an {@link IllegalArgumentException}. */
    public static HaproxyConfigRenderer fromFile(Path templateFile) {
        try {
            return fromText(templateFile.toString(), Files.readString(templateFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read template " + templateFile + ": " + e.getMessage(), e);
        }
    }

    static HaproxyConfigRenderer fromText(String name, String text) {
        return fromText(name, text, false);
    }

    private static HaproxyConfigRenderer fromText(String name, String text, boolean defaultTemplate) {
        Configuration configuration = new Configuration(Configuration.VERSION_2_3_34);
        configuration.setDefaultEncoding("UTF-8");
        configuration.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        configuration.setLogTemplateExceptions(false);
        configuration.setWrapUncheckedExceptions(true);
        configuration.setNumberFormat("computer");
        try {
            return new HaproxyConfigRenderer(
                    new Template(name, new StringReader(text), configuration), defaultTemplate);
        } catch (IOException e) {
            throw new IllegalArgumentException("template " + name + " does not parse: " + e.getMessage(), e);
        }
    }

    /** The length of the last text rendered: the next one starts with room for about as much. */
    private volatile int lastLength = 8 * 1024;

    /** @throws IllegalStateException when a user template fails on this model */
    public String render(HaproxyModel model) {
        // sized from the last text: at 20,000 servers, growing from the default would copy megabytes again and again
        StringWriter out = new StringWriter(lastLength + lastLength / 8);
        try {
            template.process(dataModel(model), out);
        } catch (TemplateException | IOException e) {
            throw new IllegalStateException("template " + template.getName() + " failed: " + e.getMessage(), e);
        }
        String text = out.toString();
        lastLength = Math.max(1024, text.length());
        return text;
    }

    static Map<String, Object> dataModel(HaproxyModel model) {
        Map<String, Object> root = new HashMap<>();
        root.put("global", model.global());
        root.put("defaults", model.defaults());
        root.put(
                "extraSections",
                model.extraSections().stream()
                        .map(HaproxyConfigRenderer::section)
                        .toList());
        List<Map<String, Object>> services = new ArrayList<>();
        for (ServiceModel service : model.services()) {
            services.add(service(service));
        }
        root.put("services", services);
        model.sharedFrontend().ifPresent(lines -> root.put("sharedFrontend", lines));
        return root;
    }

    private static Map<String, Object> section(Section section) {
        return Map.of("title", section.title(), "lines", section.lines());
    }

    private static Map<String, Object> service(ServiceModel service) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", service.name());
        service.frontend()
                .ifPresent(frontend -> map.put("frontend", Map.of("lines", frontend.lines(), "bind", frontend.bind())));
        map.put("backendName", service.backendName());
        map.put("backendLines", service.backendLines());
        map.put(
                "servers",
                service.servers().stream().map(HaproxyConfigRenderer::server).toList());
        return map;
    }

    private static Map<String, Object> server(ServerModel server) {
        return new ServerFields(server);
    }

    /**
     * A server as templates see it: the same keys, in the same order, as a map built eagerly would have,
     * each value made when a template asks for it (the default template reads only {@code line}). At
     * 20,000 servers an eager map per server was about 12 MB of garbage per render.
     */
    private static final class ServerFields extends AbstractMap<String, Object> {
        private static final List<String> KEYS = List.of(
                "line", "name", "host", "port", "address", "id", "cookie", "options", "weight", "disabled", "origin");
        private final ServerModel server;
        private Set<Map.Entry<String, Object>> entries;

        ServerFields(ServerModel server) {
            this.server = server;
        }

        @Override
        public Object get(Object key) {
            if (!(key instanceof String name)) {
                return null;
            }
            return switch (name) {
                case "line" -> server.line();
                case "name" -> server.name();
                case "host" -> server.host();
                case "port" -> server.port();
                case "address" -> server.address();
                case "id" -> server.id();
                case "cookie" -> server.cookie().orElse("");
                case "options" -> server.options();
                case "weight" -> server.weight().isPresent() ? server.weight().getAsInt() : "";
                case "disabled" -> server.disabled();
                case "origin" -> server.origin().name();
                default -> null;
            };
        }

        @Override
        public boolean containsKey(Object key) {
            return KEYS.contains(key);
        }

        @Override
        public int size() {
            return KEYS.size();
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            if (entries == null) {
                Map<String, Object> all = new LinkedHashMap<>();
                KEYS.forEach(key -> all.put(key, get(key)));
                entries = Collections.unmodifiableMap(all).entrySet();
            }
            return entries;
        }
    }

    Optional<String> templateName() {
        return Optional.ofNullable(template.getName());
    }
}
