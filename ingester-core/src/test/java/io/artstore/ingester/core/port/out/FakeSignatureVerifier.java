package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Checks the signatures of {@link FakeSigner}. */
public final class FakeSignatureVerifier implements SignatureVerifier {

    public static final String SUBJECT = "CN=Fake Signer";

    @Override
    public VerificationResult verify(byte[] signatureDer, InputStream originalContent) {
        MessageDigest digest = FakeSigner.sha256();
        try {
            new DigestInputStream(originalContent, digest).transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] parts = new String(signatureDer, StandardCharsets.US_ASCII).split(" ");
        if (parts.length != 3 || !parts[0].equals("fake-signature")) {
            return VerificationResult.invalid("not a fake signature");
        }
        VerificationResult read = VerificationResult.valid(SignatureAlgorithm.parse(parts[1]), SUBJECT,
                FakeSigner.CERTIFICATE_FINGERPRINT);
        return parts[2].equals(HexFormat.of().formatHex(digest.digest()))
                ? read
                : read.invalidBecause("the content is not what was signed");
    }
}
