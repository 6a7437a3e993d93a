package io.smartstack.common.registration;

import java.util.OptionalLong;

/** The outcome of reading one registration znode: a registration, or the reason it was rejected. */
public sealed interface DecodeResult {
    /**
     * @param registration what the znode says
     * @param id the number after the last {@code _} of the znode name (ZooKeeper's sequence), if any
     */
    record Decoded(Registration registration, OptionalLong id) implements DecodeResult {}

    record Rejected(String reason) implements DecodeResult {}
}
