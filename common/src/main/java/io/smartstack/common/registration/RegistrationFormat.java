package io.smartstack.common.registration;

import java.util.Optional;

/** How a registration znode's data is laid out. */
public sealed interface RegistrationFormat {
    /** Nerve's format: {@code {"host":..,"port":..,"name":..}} plus optional fields. */
    record Nerve() implements RegistrationFormat {}

    /**
     * Finagle/Aurora serverset format: {@code serviceEndpoint} (or the named entry of
     * {@code additionalEndpoints}), with the name taken from {@code shard}.
     */
    record Serverset(Optional<String> endpointName) implements RegistrationFormat {}

    RegistrationFormat NERVE = new Nerve();
}
