package io.smartstack.nerve.check;

import io.smartstack.nerve.config.TlsSettings;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Turns a TLS failure into a check outcome a person can act on: which part of the verification failed
 * (untrusted issuer, expired certificate, host name not in the certificate) and, for a check that
 * verifies only because verification is now the default, that {@code ssl_verify: false} restores the
 * original Nerve's behaviour (which accepted any certificate).
 */
final class TlsFailures {
    static final String ORIGINAL_BEHAVIOUR_HINT =
            "the original Nerve did not verify certificates: ssl_verify: false restores that,"
                    + " ssl_ca_file: FILE trusts a private CA";

    private final TlsSettings settings;

    TlsFailures(TlsSettings settings) {
        this.settings = settings;
    }

    CheckOutcome outcome(Throwable failure) {
        Optional<String> verification = settings.verify() ? verificationFailure(failure) : Optional.empty();
        if (verification.isEmpty()) {
            return CheckOutcome.failure(failure);
        }
        String reason = "TLS verification failed: " + verification.get();
        return CheckOutcome.fail(settings.verifyDefaulted() ? reason + " (" + ORIGINAL_BEHAVIOUR_HINT + ")" : reason);
    }

    /** What failed in the certificate verification, or empty when the failure is something else. */
    static Optional<String> verificationFailure(Throwable failure) {
        Optional<Throwable> expired = find(failure, CertificateExpiredException.class, "");
        if (expired.isPresent()) {
            return Optional.of("the server's certificate has expired (" + firstLine(expired.get()) + ")");
        }
        Optional<Throwable> early = find(failure, CertificateNotYetValidException.class, "");
        if (early.isPresent()) {
            return Optional.of("the server's certificate is not valid yet (" + firstLine(early.get()) + ")");
        }
        Optional<Throwable> names = find(failure, SSLPeerUnverifiedException.class, "No subject alternative")
                .or(() -> find(failure, SSLPeerUnverifiedException.class, "No name matching"));
        if (names.isPresent()) {
            return Optional.of(
                    "the server's certificate does not name the host checked (" + firstLine(names.get()) + ")");
        }
        Optional<Throwable> issuer = find(failure, CertPathValidatorException.class, "PKIX path");
        return issuer.map(cause -> "the server's certificate is not signed by a trusted CA (" + firstLine(cause) + ")");
    }

    private static Optional<Throwable> find(Throwable failure, Class<? extends Throwable> type, String text) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)
                    || (!text.isEmpty() && String.valueOf(cause.getMessage()).contains(text))) {
                return Optional.of(cause);
            }
        }
        return Optional.empty();
    }

    static boolean isTlsFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable cause) {
        String message = cause.getMessage();
        return message == null
                ? cause.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }
}
