package io.smartstack.nerve.check;

import io.smartstack.nerve.config.CheckConfig;
import io.smartstack.nerve.config.CheckSpec;

/** Builds the check for a configuration entry. Constructing a check does no I/O. */
public final class HealthChecks {
    private final HttpClients httpClients;

    public HealthChecks(HttpClients httpClients) {
        this.httpClients = httpClients;
    }

    public HealthCheck create(CheckConfig config) {
        CheckSpec spec = config.spec();
        if (spec instanceof CheckSpec.Http http) {
            return new HttpCheck(httpClients.forCheck(http), config.host(), config.port(), http);
        } else if (spec instanceof CheckSpec.Tcp) {
            return new TcpCheck(config.host(), config.port(), config.timeout());
        } else if (spec instanceof CheckSpec.Redis redis) {
            return new RedisCheck(config.host(), config.port(), config.timeout(), redis);
        } else if (spec instanceof CheckSpec.RabbitMq rabbit) {
            return new RabbitMqCheck(config.host(), config.port(), config.timeout(), rabbit);
        } else if (spec instanceof CheckSpec.Exec exec) {
            return new ExecCheck(exec, config.timeout());
        } else if (spec instanceof CheckSpec.Noop) {
            return new NoopCheck();
        }
        throw new IllegalArgumentException("unknown check spec: " + spec);
    }
}
