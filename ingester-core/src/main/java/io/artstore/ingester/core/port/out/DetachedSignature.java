package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A detached CMS (PKCS#7) SignedData in DER, kept beside the stored file as {@code <storage_filename>.sig}.
 *
 * @param der the SignedData, without the content
 * @param algorithm how it was signed
 * @param certificateFingerprint SHA-256 of the signer's DER certificate, 64 lower-case hex digits
 * @param signedAt the signing time inside the signed attributes
 */
public record DetachedSignature(byte[] der, SignatureAlgorithm algorithm, String certificateFingerprint, Instant signedAt) {

    /** Beside the stored file: {@code <storage_filename>.sig}. */
    public static final String SIDECAR_SUFFIX = ".sig";

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public DetachedSignature {
        Objects.requireNonNull(der, "der");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(certificateFingerprint, "certificateFingerprint");
        Objects.requireNonNull(signedAt, "signedAt");
        if (der.length == 0) {
            throw new IllegalArgumentException("a signature has at least one byte");
        }
        if (!HEX64.matcher(certificateFingerprint).matches()) {
            throw new IllegalArgumentException(
                    "a certificate fingerprint is 64 lower-case hex digits, got '" + certificateFingerprint + "'");
        }
        der = der.clone();
    }

    @Override
    public byte[] der() {
        return der.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DetachedSignature that
                && Arrays.equals(der, that.der)
                && algorithm == that.algorithm
                && certificateFingerprint.equals(that.certificateFingerprint)
                && signedAt.equals(that.signedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(der), algorithm, certificateFingerprint, signedAt);
    }

    @Override
    public String toString() {
        return "DetachedSignature[" + der.length + " bytes, " + algorithm + ", certificate " + certificateFingerprint
                + ", signed at " + signedAt + "]";
    }
}
