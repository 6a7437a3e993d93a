package io.smartstack.nerve.config;

import io.smartstack.common.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A check's TLS keys: {@code ssl} (default false), {@code ssl_verify} (default true: the certificate chain
 * must lead to a trusted CA and the certificate must name the check's host, IP addresses included) and
 * {@code ssl_ca_file} (PEM certificates trusted instead of the JVM's default CAs).
 *
 * @param verifyDefaulted true when {@code ssl} is on and {@code ssl_verify} was not written: such a
 *     check verified nothing in the original Nerve, so a failed verification says how to get that back
 */
public record TlsSettings(boolean enabled, boolean verify, Optional<Path> caFile, boolean verifyDefaulted) {
    public static final TlsSettings OFF = new TlsSettings(false, true, Optional.empty(), false);

    /** Verifying TLS with the JVM's default CAs and no explicit {@code ssl_verify}. */
    public static TlsSettings verifying(Optional<Path> caFile) {
        return new TlsSettings(true, true, caFile, false);
    }

    /** Accepting any certificate ({@code ssl_verify: false}). */
    public static TlsSettings trustingAnything() {
        return new TlsSettings(true, false, Optional.empty(), false);
    }

    static TlsSettings read(ConfigNode node) {
        boolean enabled = node.bool("ssl", false);
        boolean verify = node.bool("ssl_verify", true);
        Optional<Path> caFile = node.optionalString("ssl_ca_file").map(Path::of);
        caFile.filter(file -> !Files.isReadable(file))
                .ifPresent(file -> node.problemAt("ssl_ca_file", "is not a readable file: " + file));
        return new TlsSettings(enabled, verify, caFile, enabled && verify && !node.has("ssl_verify"));
    }
}
