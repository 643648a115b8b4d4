package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.port.out.SignatureVerifier;
import io.artstore.ingester.core.port.out.VerificationResult;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Store;

/**
 * Checks detached CMS signatures made with any of the four algorithms, reading the content once as it
 * streams. It checks the signature against the certificate inside it and that certificate's validity at the
 * signing time; whether that certificate is trusted is the caller's decision (compare
 * {@link VerificationResult#certificateFingerprint()} with the one recorded, or use
 * {@link VerificationResult#validFor(String)}).
 */
public final class BouncyCastleSignatureVerifier implements SignatureVerifier {

    private final DigestCalculatorProvider digests;

    public BouncyCastleSignatureVerifier() {
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().setProvider(BouncyCastle.PROVIDER).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("BouncyCastle's digests are unavailable", e);
        }
    }

    @Override
    public VerificationResult verify(byte[] signatureDer, InputStream originalContent) {
        Objects.requireNonNull(signatureDer, "signatureDer");
        Objects.requireNonNull(originalContent, "originalContent");
        CMSSignedDataParser parser;
        try {
            parser = new CMSSignedDataParser(digests, new CMSTypedStream(new UnclosedInputStream(originalContent)), signatureDer);
        } catch (CMSException | RuntimeException e) {
            return VerificationResult.invalid("not a CMS SignedData: " + e.getMessage());
        }
        try {
            parser.getSignedContent().drain();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the content to verify", e);
        }
        try {
            return SignerChecks.check(parser.getSignerInfos(), certificates(parser));
        } catch (CMSException | RuntimeException e) {
            return VerificationResult.invalid("the signature is malformed: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Store<X509CertificateHolder> certificates(CMSSignedDataParser parser) throws CMSException {
        return parser.getCertificates();
    }

    /** The caller owns the content stream; the parser must not close it. */
    private static final class UnclosedInputStream extends FilterInputStream {
        UnclosedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // The caller closes it.
        }
    }
}
