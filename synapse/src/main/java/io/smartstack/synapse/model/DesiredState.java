package io.smartstack.synapse.model;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything Synapse wants the data plane to look like, for every service, at one moment. Immutable;
 * the reconciler builds a new one for each change and hands it to every generator.
 */
public record DesiredState(Map<String, ServiceState> services) {
    private static final Comparator<ServiceState> BY_NAME = Comparator.comparing(ServiceState::name);

    public DesiredState {
        // a map from of() is already a private copy: with 1,000 services each change would copy it twice
        services = services instanceof Frozen ? services : new Frozen(new LinkedHashMap<>(services));
    }

    public static DesiredState of(List<ServiceState> services) {
        ServiceState[] sorted = services.toArray(new ServiceState[0]);
        Arrays.sort(sorted, BY_NAME);
        LinkedHashMap<String, ServiceState> byName = new LinkedHashMap<>(Math.max(16, sorted.length * 4 / 3 + 1));
        for (ServiceState service : sorted) {
            byName.put(service.name(), service);
        }
        return new DesiredState(new Frozen(byName));
    }

    /** An unmodifiable map over a map nobody else holds (only this record makes one). */
    private static final class Frozen extends AbstractMap<String, ServiceState> {
        private final Map<String, ServiceState> map;
        private final Set<Map.Entry<String, ServiceState>> entries;

        Frozen(LinkedHashMap<String, ServiceState> map) {
            this.map = map;
            this.entries = Collections.unmodifiableMap(map).entrySet();
        }

        @Override
        public Set<Map.Entry<String, ServiceState>> entrySet() {
            return entries;
        }

        @Override
        public ServiceState get(Object key) {
            return map.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return map.containsKey(key);
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public Set<String> keySet() {
            return Collections.unmodifiableSet(map.keySet());
        }

        @Override
        public Collection<ServiceState> values() {
            return Collections.unmodifiableCollection(map.values());
        }
    }
}
