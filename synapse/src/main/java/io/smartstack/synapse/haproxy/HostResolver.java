package io.smartstack.synapse.haproxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host names of registrations to addresses, for {@code add server} (HAProxy never resolves a name
 * given at runtime). Lookups (JDK {@link InetAddress}) run on their own thread, never on the
 * generator's: {@link #address} answers from a cache at once, and empty while a name is first being
 * resolved or does not resolve; each finished lookup calls {@code onResolved}, so a pass can add the
 * servers that waited. Addresses are refreshed after {@code refreshAfter}, failures retried after
 * {@code retryAfter}. IP literals are returned as they are.
 */
final class HostResolver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostResolver.class);

    private record Entry(Optional<String> address, Instant at, boolean inFlight, boolean failing) {}

    private final Clock clock;
    private final Duration refreshAfter;
    private final Duration retryAfter;
    private final Runnable onResolved;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final ExecutorService lookups = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "haproxy-host-resolver");
        thread.setDaemon(true);
        return thread;
    });

    HostResolver(Clock clock, Duration refreshAfter, Duration retryAfter, Runnable onResolved) {
        this.clock = clock;
        this.refreshAfter = refreshAfter;
        this.retryAfter = retryAfter;
        this.onResolved = onResolved;
    }

    static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || isDottedQuad(host);
    }

    /**
     * Four groups of 1 to 3 digits joined by dots (an IPv4 literal), checked without a regex: this runs
     * for every server of every pass.
     */
    private static boolean isDottedQuad(String host) {
        int groups = 1;
        int digits = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && groups < 4) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 4 && digits > 0;
    }

    /** The address of {@code host} if known now; starts a lookup when it is unknown or stale. */
    Optional<String> address(String host) {
        if (isLiteral(host)) {
            return Optional.of(host);
        }
        Instant now = clock.instant();
        Entry entry = cache.get(host);
        boolean stale = entry == null
                || (!entry.inFlight()
                        && !now.isBefore(entry.at().plus(entry.address().isPresent() ? refreshAfter : retryAfter)));
        if (stale) {
            Entry known = entry == null ? new Entry(Optional.empty(), now, false, false) : entry;
            cache.put(host, new Entry(known.address(), now, true, known.failing()));
            try {
                lookups.execute(() -> lookup(host, known));
            } catch (RejectedExecutionException closed) {
                cache.remove(host);
            }
        }
        return entry == null ? Optional.empty() : entry.address();
    }

    private void lookup(String host, Entry before) {
        Optional<String> address;
        try {
            address = Optional.of(InetAddress.getByName(host).getHostAddress());
        } catch (UnknownHostException | SecurityException e) {
            if (!before.failing()) {
                LOG.warn("host name {} does not resolve ({}); its new servers wait for it", host, e.getMessage());
            }
            cache.put(host, new Entry(before.address(), clock.instant(), false, true));
            return;
        }
        cache.put(host, new Entry(address, clock.instant(), false, false));
        if (!address.equals(before.address())) {
            LOG.info("host name {} resolves to {}", host, address.get());
            onResolved.run();
        }
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
