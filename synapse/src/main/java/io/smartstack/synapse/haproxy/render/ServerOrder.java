package io.smartstack.synapse.haproxy.render;

import io.smartstack.synapse.haproxy.config.ServiceSettings.BackendOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Orders the server lines of a backend. The shuffle is seeded and starts from the sorted names, so the
 * same set of servers always gives the same file (no rewrite, no reload, for an unchanged state).
 */
public final class ServerOrder {
    private ServerOrder() {}

    public static <T> List<T> order(List<T> servers, Function<T, String> name, BackendOrder order, long seed) {
        List<T> result = new ArrayList<>(servers);
        switch (order) {
            case ASC -> result.sort(Comparator.comparing(name));
            case DESC -> result.sort(Comparator.comparing(name).reversed());
            case NO_SHUFFLE -> {}
            case SHUFFLE -> {
                result.sort(Comparator.comparing(name));
                Collections.shuffle(result, new Random(seed));
            }
        }
        return result;
    }
}
