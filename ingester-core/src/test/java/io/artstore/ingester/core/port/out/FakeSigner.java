package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * A signer for tests of the flows around signing: its "signature" is the text
 * {@code fake-signature <algorithm> <SHA-256 of the content>}, which {@link FakeSignatureVerifier} checks.
 * It proves that the right bytes were fed, nothing about cryptography.
 */
public final class FakeSigner implements Signer {

    public static final String CERTIFICATE_FINGERPRINT = "fa".repeat(32);

    private final SignatureAlgorithm algorithm;
    private final Clock clock;

    public FakeSigner(SignatureAlgorithm algorithm, Clock clock) {
        this.algorithm = algorithm;
        this.clock = clock;
    }

    @Override
    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public Signing begin() {
        MessageDigest digest = sha256();
        return new Signing() {
            private boolean signed;

            @Override
            public void update(byte[] b, int off, int len) {
                if (signed) {
                    throw new IllegalStateException("signed already");
                }
                digest.update(b, off, len);
            }

            @Override
            public DetachedSignature sign() {
                if (signed) {
                    throw new IllegalStateException("signed already");
                }
                signed = true;
                String text = "fake-signature " + algorithm.wireName() + " " + HexFormat.of().formatHex(digest.digest());
                return new DetachedSignature(text.getBytes(StandardCharsets.US_ASCII), algorithm, CERTIFICATE_FINGERPRINT,
                        clock.instant().truncatedTo(ChronoUnit.SECONDS));
            }
        };
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
