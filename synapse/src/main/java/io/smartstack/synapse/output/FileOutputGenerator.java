package io.smartstack.synapse.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.smartstack.common.file.AtomicFile;
import io.smartstack.synapse.cache.BackendJson;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.BackendOrigin;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@code <service>.json} per service into the output directory: a JSON array of the backends
 * routed to (name, host, port, id, weight, haproxy_server_options, labels), sorted by host, port and
 * name so an unchanged set writes nothing. Each write is atomic and happens only when the content
 * changed; {@code *.json} files of services no longer managed (removed, or {@code disabled}) are
 * deleted. Backends kept only by the state cache are not written: they receive no traffic.
 */
final class FileOutputGenerator implements ConfigGenerator {
    private static final Logger log = LoggerFactory.getLogger(FileOutputGenerator.class);
    private static final Comparator<Backend> ORDER = Comparator.comparing(Backend::host)
            .thenComparingInt(Backend::port)
            .thenComparing(b -> Objects.toString(b.name(), ""));

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final Path directory;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private long writes;
    private long removals;
    private Instant lastWrite;
    private boolean failing;

    FileOutputGenerator(Path directory) {
        this.directory = directory;
    }

    @Override
    public String name() {
        return FileOutputFactory.NAME;
    }

    @Override
    public void start() throws IOException {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("file_output already started or closed");
        }
        Files.createDirectories(directory);
    }

    @Override
    public void apply(DesiredState desired) {
        try {
            Set<String> managed = new HashSet<>();
            for (ServiceState service : desired.services().values()) {
                if (disabled(service)) {
                    continue;
                }
                String file = service.name() + ".json";
                managed.add(file);
                if (AtomicFile.writeIfChanged(directory.resolve(file), render(service))) {
                    writes++;
                    lastWrite = Instant.now();
                    log.info("file_output: wrote {}", directory.resolve(file));
                }
            }
            removeUnmanaged(managed);
            if (failing) {
                failing = false;
                log.info("file_output: writing to {} works again", directory);
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                log.warn("file_output: cannot write to {}: {}", directory, e.toString());
            }
        }
    }

    static byte[] render(ServiceState service) throws IOException {
        ArrayNode array = BackendJson.JSON.createArrayNode();
        service.backends().stream()
                .filter(backend -> backend.origin() != BackendOrigin.STATE_CACHE)
                .sorted(ORDER)
                .forEach(backend -> array.add(BackendJson.write(backend)));
        String text =
                BackendJson.JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(array);
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static boolean disabled(ServiceState service) {
        JsonNode section = service.generatorConfig().get(FileOutputFactory.NAME);
        return section != null && section.path("disabled").asBoolean(false);
    }

    private void removeUnmanaged(Set<String> managed) throws IOException {
        List<Path> stale;
        try (Stream<Path> files = Files.list(directory)) {
            stale = files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".json"))
                    .filter(file -> !managed.contains(file.getFileName().toString()))
                    .toList();
        }
        for (Path file : stale) {
            Files.deleteIfExists(file);
            removals++;
            log.info("file_output: removed {} (service no longer managed)", file);
        }
    }

    @Override
    public Object status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("output_directory", directory.toAbsolutePath().toString());
        status.put("writes", writes);
        status.put("removals", removals);
        status.put("last_write", lastWrite == null ? null : lastWrite.toString());
        return status;
    }

    @Override
    public void close() {
        state.set(State.CLOSED);
    }
}
