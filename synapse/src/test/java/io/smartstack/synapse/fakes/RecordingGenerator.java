package io.smartstack.synapse.fakes;

import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A generator that records every desired state it is handed, for tests. Its status reports every
 * server as {@code UP} under {@code services.<service>.servers.<server name>.state}, the shape the
 * status page merges. Instances are registered by the {@code id} of their config section.
 */
public final class RecordingGenerator implements ConfigGenerator {
    private static final Map<String, RecordingGenerator> BY_ID = new ConcurrentHashMap<>();

    private final String name;
    private final String id;
    private final List<DesiredState> applied = new CopyOnWriteArrayList<>();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile List<String> notReady = List.of();

    RecordingGenerator(String name, String id) {
        this.name = name;
        this.id = id;
        BY_ID.put(id, this);
    }

    /** The generator most recently created with {@code id}. */
    public static RecordingGenerator byId(String id) {
        RecordingGenerator generator = BY_ID.get(id);
        if (generator == null) {
            throw new IllegalStateException("no recording generator with id " + id);
        }
        return generator;
    }

    public static Optional<RecordingGenerator> findById(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    public static RecordingGenerator create(String name, String id) {
        return new RecordingGenerator(name, id);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        starts.incrementAndGet();
    }

    @Override
    public void apply(DesiredState desired) {
        applied.add(desired);
    }

    @Override
    public Optional<String> preview(DesiredState desired) {
        StringBuilder text = new StringBuilder();
        desired.services().values().forEach(s -> text.append(s.name())
                .append(": ")
                .append(s.backends().stream().map(Backend::serverName).toList())
                .append('\n'));
        return Optional.of(text.toString());
    }

    @Override
    public Object status() {
        Map<String, Object> services = new LinkedHashMap<>();
        if (!applied.isEmpty()) {
            for (ServiceState service : last().services().values()) {
                Map<String, Object> servers = new LinkedHashMap<>();
                service.backends().forEach(b -> servers.put(b.serverName(), Map.of("state", "UP")));
                services.put(service.name(), Map.of("servers", servers));
            }
        }
        return Map.of("id", id, "applies", applied.size(), "services", services, "notReady", notReady);
    }

    /** What the next status reports as data-plane problems (the admin API's readiness input). */
    public void notReady(List<String> reasons) {
        this.notReady = List.copyOf(reasons);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    public List<DesiredState> applied() {
        return List.copyOf(applied);
    }

    public DesiredState last() {
        return applied.get(applied.size() - 1);
    }

    public int starts() {
        return starts.get();
    }

    public int closes() {
        return closes.get();
    }

    /** The backends of {@code service} in the last applied state (empty if none yet). */
    public List<Backend> backends(String service) {
        if (applied.isEmpty() || !last().services().containsKey(service)) {
            return List.of();
        }
        return last().services().get(service).backends();
    }
}
