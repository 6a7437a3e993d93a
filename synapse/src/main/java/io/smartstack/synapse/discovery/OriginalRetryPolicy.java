package io.smartstack.synapse.discovery;

import io.smartstack.synapse.config.RetryPolicySettings;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.apache.curator.RetryPolicy;
import org.apache.curator.RetrySleeper;

/**
 * A discovery's {@code retry_policy} as Curator's retry policy for the operations of its ZooKeeper
 * client, with the original Synapse's arithmetic: stop after {@code max_attempts} attempts in all or
 * once {@code max_delay} has passed since the first; otherwise sleep {@code base_interval * 2^(n-1)}
 * (n = attempts so far) times a random factor in [0.5, 1.0), clamped to [{@code base_interval},
 * {@code max_interval}].
 *
 * <p>Unlike the original, running out of attempts fails that one operation, not Synapse: the watcher
 * keeps its last known backends and reads again when the connection comes back.
 */
final class OriginalRetryPolicy implements RetryPolicy {
    private final RetryPolicySettings settings;
    private final DoubleSupplier random;

    OriginalRetryPolicy(RetryPolicySettings settings) {
        this(settings, Math::random);
    }

    /** {@code random} returns values in [0, 1). */
    OriginalRetryPolicy(RetryPolicySettings settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    @Override
    public boolean allowRetry(int retryCount, long elapsedTimeMs, RetrySleeper sleeper) {
        int attempts = retryCount + 1;
        if (attempts >= settings.maxAttempts()
                || elapsedTimeMs >= settings.maxDelay().toMillis()) {
            return false;
        }
        try {
            sleeper.sleepFor(sleepMillis(attempts), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The sleep after {@code attempts} failed attempts. */
    long sleepMillis(int attempts) {
        double base = settings.baseInterval().toMillis();
        double interval = base * Math.pow(2, Math.min(attempts - 1, 62)) * (0.5 * (1 + random.getAsDouble()));
        return (long) Math.min(Math.max(interval, base), settings.maxInterval().toMillis());
    }

    RetryPolicySettings settings() {
        return settings;
    }
}
