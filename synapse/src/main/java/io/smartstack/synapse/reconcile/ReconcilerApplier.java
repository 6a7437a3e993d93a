package io.smartstack.synapse.reconcile;

import io.smartstack.synapse.metrics.SynapseMetrics;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generators and what was last handed to them. Hands a desired state to every generator only when
 * it differs from the last one; a generator that throws is logged and does not stop the others. Used
 * only on the reconciler thread.
 */
final class ReconcilerApplier {
    private static final Logger log = LoggerFactory.getLogger(ReconcilerApplier.class);

    private final SynapseMetrics metrics;
    private final Clock clock;
    private final List<ConfigGenerator> generators = new ArrayList<>();
    private DesiredState lastApplied;
    private Optional<Instant> lastApply = Optional.empty();
    private long applies;
    private volatile Map<String, Object> lastGeneratorStatus = Map.of();

    ReconcilerApplier(SynapseMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    void startAll(List<ConfigGenerator> newGenerators) throws Exception {
        for (ConfigGenerator generator : newGenerators) {
            generator.start();
            generators.add(generator);
        }
    }

    /** Closes the current generators and starts the new ones; one that fails to start is left out. */
    void replace(List<ConfigGenerator> newGenerators) {
        closeAll();
        for (ConfigGenerator generator : newGenerators) {
            try {
                generator.start();
                generators.add(generator);
            } catch (Exception e) {
                log.error("generator {} failed to start after the reload; it is left out", generator.name(), e);
                generator.close();
            }
        }
    }

    /** Forces the next desired state to be applied (new generators, new config). */
    void forget() {
        lastApplied = null;
    }

    void applyIfChanged(DesiredState desired, Collection<ServiceEntry> services) {
        if (desired.equals(lastApplied)) {
            services.forEach(entry -> entry.pendingSince = Optional.empty());
            return;
        }
        for (ConfigGenerator generator : generators) {
            try {
                generator.apply(desired);
            } catch (RuntimeException e) {
                log.error("generator {} failed to apply the desired state", generator.name(), e);
            }
        }
        Instant done = clock.instant();
        lastApplied = desired;
        lastApply = Optional.of(done);
        applies++;
        metrics.applied(desired);
        for (ServiceEntry entry : services) {
            if (entry.pendingSince.isPresent()) {
                metrics.propagated(Duration.between(entry.pendingSince.get(), done));
                entry.pendingSince = Optional.empty();
            }
        }
    }

    Map<String, Object> generatorStatus() {
        Map<String, Object> result = new LinkedHashMap<>();
        for (ConfigGenerator generator : generators) {
            try {
                result.put(generator.name(), generator.status());
            } catch (RuntimeException e) {
                result.put(generator.name(), Map.of("error", e.toString()));
            }
        }
        lastGeneratorStatus = result;
        return result;
    }

    Map<String, Object> lastGeneratorStatus() {
        return lastGeneratorStatus;
    }

    Optional<DesiredState> lastApplied() {
        return Optional.ofNullable(lastApplied);
    }

    Optional<Instant> lastApply() {
        return lastApply;
    }

    long applies() {
        return applies;
    }

    void closeAll() {
        for (ConfigGenerator generator : generators) {
            try {
                generator.close();
            } catch (RuntimeException e) {
                log.warn("generator {} did not close cleanly: {}", generator.name(), e.toString());
            }
        }
        generators.clear();
    }
}
