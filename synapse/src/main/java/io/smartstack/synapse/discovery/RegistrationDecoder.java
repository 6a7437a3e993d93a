package io.smartstack.synapse.discovery;

import io.smartstack.common.registration.DecodeResult;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.model.Backend;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns registration znodes into backends. A {@code base64_} child name is decoded from the name
 * alone (nerve format); otherwise the data is decoded. A znode that is not a usable registration is
 * skipped with one warning, repeated only if it turns bad again after being good or removed. Not
 * thread-safe: one decoder per watcher, used from one thread.
 */
final class RegistrationDecoder {
    private static final Logger log = LoggerFactory.getLogger(RegistrationDecoder.class);

    private final String service;
    private final RegistrationFormat format;
    private final Set<String> warned = new HashSet<>();

    RegistrationDecoder(String service, RegistrationFormat format) {
        this.service = service;
        this.format = format;
    }

    /** True when the child name alone carries the registration (no read needed). */
    boolean decodableFromName(String childName) {
        return format instanceof RegistrationFormat.Nerve
                && RegistrationCodec.decodeChildName(childName).isPresent();
    }

    /** The backend a child stands for, or empty (with one warning) when it is not a usable registration. */
    Optional<Backend> decode(String path, String childName, byte[] data) {
        DecodeResult result = format instanceof RegistrationFormat.Nerve
                ? RegistrationCodec.decodeChildName(childName)
                        .<DecodeResult>map(decoded -> decoded)
                        .orElseGet(() -> RegistrationCodec.decode(childName, data, format))
                : RegistrationCodec.decode(childName, data, format);
        if (result instanceof DecodeResult.Decoded decoded) {
            warned.remove(childName);
            return Optional.of(Backend.registered(decoded.registration(), decoded.id()));
        }
        if (warned.add(childName)) {
            log.warn("service {}: skipping znode {}: {}", service, path, ((DecodeResult.Rejected) result).reason());
        }
        return Optional.empty();
    }

    /** Forgets a removed child, so a later bad znode of the same name is reported again. */
    void removed(String childName) {
        warned.remove(childName);
    }
}
