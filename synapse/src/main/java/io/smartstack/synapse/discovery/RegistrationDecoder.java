package io.smartstack.synapse.discovery;

import io.smartstack.common.registration.DecodeResult;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.model.Backend;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns registration znodes into backends. A {@code base64_} child name is decoded from the name
 * alone (nerve format); otherwise the data is decoded. A znode that is not a usable registration is
 * skipped with one warning, repeated only if its reason changes or it turns bad again after being good
 * or removed; it is listed in {@link #rejected()} while it stays bad. Not
 * thread-safe: one decoder per watcher, used from one thread.
 */
final class RegistrationDecoder {
    private static final Logger log = LoggerFactory.getLogger(RegistrationDecoder.class);

    private final String service;
    private final RegistrationFormat format;
    /** Child name to why it is not used, for every child currently rejected. */
    private final Map<String, RejectedRegistration> rejected = new HashMap<>();

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
            rejected.remove(childName);
            return Optional.of(Backend.registered(decoded.registration(), decoded.id()));
        }
        DecodeResult.Rejected refusal = (DecodeResult.Rejected) result;
        RejectedRegistration now = new RejectedRegistration(path, refusal.kind().label(), refusal.reason());
        RejectedRegistration before = rejected.put(childName, now);
        if (!now.equals(before)) {
            log.warn("service {}: skipping znode {} ({}): {}", service, path, now.reason(), now.detail());
        }
        return Optional.empty();
    }

    /** Forgets a removed child, so a later bad znode of the same name is reported again. */
    void removed(String childName) {
        rejected.remove(childName);
    }

    /** Forgets every child not in {@code present} (a poll no longer lists them). */
    void retain(Collection<String> present) {
        rejected.keySet().retainAll(present);
    }

    /** The children currently rejected, sorted by path. */
    List<RejectedRegistration> rejected() {
        return rejected.values().stream()
                .sorted(Comparator.comparing(RejectedRegistration::path))
                .toList();
    }
}
