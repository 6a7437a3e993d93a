package io.smartstack.synapse.dns;

import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dns} generator: answers DNS for {@code <service>.<domain>} with the backends each service
 * routes to, as the latest desired state says (see {@link DnsTable} for the records, {@link
 * DnsResponder} for the answers). {@link #apply} swaps the table in one step, so a query sees either
 * the old or the new state, never a mix. Before the first apply every configured name is unknown
 * (NXDOMAIN). {@link #start()} binds the sockets and fails when the port is taken; {@link #close()}
 * releases them and is idempotent.
 */
final class DnsGenerator implements ConfigGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(DnsGenerator.class);

    private enum State {
        LATENT,
        STARTED,
        CLOSED
    }

    private final DnsSettings settings;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final AtomicReference<DnsTable> table = new AtomicReference<>(DnsTable.empty());
    private final DnsServer server;
    private List<String> loggedSkipped = List.of();

    DnsGenerator(DnsSettings settings) {
        this.settings = settings;
        this.server = new DnsServer(new DnsResponder(settings), table::get);
    }

    @Override
    public String name() {
        return DnsFactory.NAME;
    }

    @Override
    public void start() throws Exception {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("dns generator already started or closed: " + state.get());
        }
        try {
            server.start(settings.bindAddress(), settings.port());
        } catch (java.io.IOException e) {
            server.close();
            throw new java.io.IOException(
                    "DNS server cannot listen on " + settings.bindAddress() + ":" + settings.port() + ": "
                            + e.getMessage(),
                    e);
        }
        LOG.info("DNS server answering {} on {}:{} (UDP and TCP)", settings.domain(), settings.bindAddress(), port());
    }

    @Override
    public void apply(DesiredState desired) {
        DnsTable next = DnsTable.of(desired, settings);
        table.set(next);
        if (!next.skipped().equals(loggedSkipped)) {
            loggedSkipped = next.skipped();
            if (!loggedSkipped.isEmpty()) {
                LOG.warn("DNS: services {} have names that are not DNS labels; they are not answered", loggedSkipped);
            }
        }
    }

    /** The port both sockets listen on (the configured one, or the one picked for port 0). */
    int port() {
        return server.port();
    }

    @Override
    public Object status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", state.get().name().toLowerCase(Locale.ROOT));
        status.put("domain", settings.domain().toString());
        status.put("address", settings.bindAddress());
        status.put("port", state.get() == State.STARTED ? port() : settings.port());
        status.put("ttl_seconds", settings.ttlSeconds());
        status.put("queries", server.queries());
        status.put("last_error", server.lastError());
        Map<String, Object> services = new LinkedHashMap<>();
        table.get()
                .services()
                .forEach((service, answered) -> services.put(
                        service,
                        Map.of(
                                "name",
                                service.toLowerCase(Locale.ROOT) + "." + settings.domain(),
                                "answers",
                                answered)));
        status.put("services", services);
        return status;
    }

    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.STARTED) {
            server.close();
        }
    }
}
