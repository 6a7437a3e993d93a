package io.smartstack.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a {@code service_conf_dir} as the originals do: every {@code *.json}, {@code *.yaml} or
 * {@code *.yml} file is one service named after the file's base name. A missing directory is an error.
 */
public final class ServiceConfDirectory {
    private ServiceConfDirectory() {}

    /** Service name to its parsed document, sorted by file name. */
    public static Map<String, ConfigDocument> load(Path directory, EnvironmentSubstitution substitution) {
        if (!Files.isDirectory(directory)) {
            throw ConfigException.of(directory.toString(), "service_conf_dir does not exist or is not a directory");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(ServiceConfDirectory::isServiceFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw ConfigException.of(directory.toString(), "cannot list service_conf_dir: " + e.getMessage());
        }
        Map<String, ConfigDocument> services = new LinkedHashMap<>();
        ConfigProblems problems = new ConfigProblems();
        for (Path file : files) {
            try {
                services.put(serviceName(file), ConfigDocument.load(file, substitution));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        problems.throwIfAny();
        return services;
    }

    static boolean isServiceFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    static String serviceName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }
}
