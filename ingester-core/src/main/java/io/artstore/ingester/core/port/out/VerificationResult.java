package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.util.Objects;
import java.util.Optional;

/**
 * What checking a detached signature found. A valid result names the algorithm, the signer and its
 * certificate; an invalid one says why, and names whatever could still be read from the signature.
 *
 * @param signerSubject the signer certificate's subject, as an RFC 4514 name
 * @param certificateFingerprint SHA-256 of the signer's DER certificate, hex
 */
public record VerificationResult(
        boolean valid,
        Optional<SignatureAlgorithm> algorithm,
        Optional<String> signerSubject,
        Optional<String> certificateFingerprint,
        Optional<String> reason) {

    public VerificationResult {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(signerSubject, "signerSubject");
        Objects.requireNonNull(certificateFingerprint, "certificateFingerprint");
        Objects.requireNonNull(reason, "reason");
        if (valid && (algorithm.isEmpty() || signerSubject.isEmpty() || certificateFingerprint.isEmpty())) {
            throw new IllegalArgumentException("a valid result names the algorithm, the signer and its certificate");
        }
        if (valid == reason.isPresent()) {
            throw new IllegalArgumentException("an invalid result, and only an invalid one, gives a reason");
        }
    }

    public static VerificationResult valid(SignatureAlgorithm algorithm, String signerSubject, String certificateFingerprint) {
        return new VerificationResult(true, Optional.of(algorithm), Optional.of(signerSubject),
                Optional.of(certificateFingerprint), Optional.empty());
    }

    public static VerificationResult invalid(String reason) {
        return new VerificationResult(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(reason));
    }

    /** Invalid, naming what was read from the signature before the check failed. */
    public VerificationResult invalidBecause(String why) {
        return new VerificationResult(false, algorithm, signerSubject, certificateFingerprint, Optional.of(why));
    }

    /** Valid and made with the certificate of that fingerprint (for instance the one in the file's metadata). */
    public boolean validFor(String expectedCertificateFingerprint) {
        return valid && certificateFingerprint.filter(expectedCertificateFingerprint::equalsIgnoreCase).isPresent();
    }
}
