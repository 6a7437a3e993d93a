package io.smartstack.synapse.haproxy.render;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One backend's memory of server ids across passes (server name to id), bounded: its maps are in access
 * order (a server of a pass is touched, so the servers gone longest come first), and {@link #trim}
 * keeps the servers of the pass and the {@value #GONE} that left most recently. Without a bound, a
 * backend whose servers keep coming back under new names would remember every name it ever had.
 */
public final class RememberedIds {
    /** Servers no longer in a backend whose ids are still remembered, at most. */
    public static final int GONE = 256;

    private RememberedIds() {}

    /** An empty memory for one backend. */
    public static Map<String, Integer> create() {
        return new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Forgets the oldest entries beyond the {@code current} servers just touched and {@value #GONE} more. */
    public static void trim(Map<String, Integer> ids, int current) {
        int excess = ids.size() - current - GONE;
        if (excess <= 0) {
            return; // the usual case: no iterator for each backend of each pass
        }
        Iterator<Map.Entry<String, Integer>> oldest = ids.entrySet().iterator();
        for (; excess > 0 && oldest.hasNext(); excess--) {
            oldest.next();
            oldest.remove();
        }
    }
}
