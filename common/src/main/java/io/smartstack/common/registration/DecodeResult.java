package io.smartstack.common.registration;

import java.util.Objects;
import java.util.OptionalLong;

/** The outcome of reading one registration znode: a registration, or the reason it was rejected. */
public sealed interface DecodeResult {
    /**
     * @param registration what the znode says; it satisfies every {@link RegistrationRules} rule
     * @param id the number after the last {@code _} of the znode name (ZooKeeper's sequence), if any
     */
    record Decoded(Registration registration, OptionalLong id) implements DecodeResult {}

    /**
     * @param kind which rule refused it
     * @param reason a log-ready sentence naming the field and the bad value (control characters escaped)
     */
    record Rejected(RejectionKind kind, String reason) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
