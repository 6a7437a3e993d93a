package io.smartstack.nerve.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What a valid configuration does differently from the original Nerve and may surprise someone
 * migrating: keys accepted without effect ({@link NerveConfig#notices()}), and a check with {@code ssl: true} and no {@code ssl_verify} verifies the server's certificate
 * and host name here, while the original accepted any certificate.
 */
public final class ConfigWarnings {
    private ConfigWarnings() {}

    /** One sentence per surprise, naming the service and check. */
    public static List<String> of(NerveConfig config) {
        List<String> warnings = new ArrayList<>(config.notices());
        config.services().forEach((name, service) -> {
            for (CheckConfig check : service.checks()) {
                if (tls(check.spec()).verifyDefaulted()) {
                    warnings.add("services." + name + " check '" + check.name() + "': ssl: true now verifies the"
                            + " server's certificate and host name (the original Nerve did not);"
                            + " set ssl_verify: false to keep the original behaviour, or ssl_ca_file: FILE to"
                            + " trust a private CA");
                }
            }
        });
        return warnings;
    }

    private static TlsSettings tls(CheckSpec spec) {
        if (spec instanceof CheckSpec.Http http) {
            return http.tls();
        } else if (spec instanceof CheckSpec.Redis redis) {
            return redis.tls();
        } else if (spec instanceof CheckSpec.RabbitMq rabbitMq) {
            return rabbitMq.tls();
        }
        return TlsSettings.OFF;
    }
}
