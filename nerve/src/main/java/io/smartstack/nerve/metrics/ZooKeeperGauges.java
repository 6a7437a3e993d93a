package io.smartstack.nerve.metrics;

import io.micrometer.core.instrument.Meter;
import io.smartstack.nerve.reporter.SharedZooKeeper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One {@code nerve_zookeeper_connected} gauge per ensemble in use; kept in step with the pool. */
public final class ZooKeeperGauges {
    private final NerveMetrics metrics;
    private final Map<SharedZooKeeper, Meter> gauges = new HashMap<>();

    public ZooKeeperGauges(NerveMetrics metrics) {
        this.metrics = metrics;
    }

    public synchronized void sync(List<SharedZooKeeper> current) {
        gauges.entrySet().removeIf(entry -> {
            if (!current.contains(entry.getKey())) {
                metrics.remove(entry.getValue());
                return true;
            }
            return false;
        });
        for (SharedZooKeeper zooKeeper : current) {
            gauges.computeIfAbsent(zooKeeper, zk -> metrics.zooKeeperGauge(zk.connectString(), zk::isConnected));
        }
    }
}
