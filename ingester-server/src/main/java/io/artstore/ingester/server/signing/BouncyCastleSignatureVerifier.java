package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.SignatureVerifier;
import io.artstore.ingester.core.port.out.VerificationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateException;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Selector;
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
            return check(parser);
        } catch (CMSException | RuntimeException e) {
            return VerificationResult.invalid("the signature is malformed: " + e.getMessage());
        }
    }

    private static VerificationResult check(CMSSignedDataParser parser) throws CMSException {
        Collection<SignerInformation> signers = parser.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            return VerificationResult.invalid("expected one signer, found " + signers.size());
        }
        SignerInformation signer = signers.iterator().next();
        Collection<X509CertificateHolder> matching = certificatesOf(parser, signer);
        if (matching.size() != 1) {
            return VerificationResult.invalid("the signature does not carry its signer's certificate");
        }
        X509CertificateHolder certificate = matching.iterator().next();
        Optional<SignatureAlgorithm> algorithm = SignatureAlgorithms.forKey(certificate.getSubjectPublicKeyInfo());
        String subject = CertificateFingerprints.subject(certificate);
        String fingerprint = CertificateFingerprints.sha256(certificate);
        if (algorithm.isEmpty()) {
            return new VerificationResult(false, Optional.empty(), Optional.of(subject), Optional.of(fingerprint),
                    Optional.of("the signer's key is " + SignatureAlgorithms.describe(certificate.getSubjectPublicKeyInfo())
                            + ", which is not a supported signature algorithm"));
        }
        VerificationResult read = VerificationResult.valid(algorithm.get(), subject, fingerprint);
        if (!signer.getDigestAlgorithmID().getAlgorithm().equals(SignatureAlgorithms.digestOid(algorithm.get()))) {
            return read.invalidBecause(algorithm.get().wireName() + " signatures digest with "
                    + algorithm.get().digestName() + ", but this one used " + signer.getDigestAlgOID());
        }
        if (signer.getSignedAttributes() == null) {
            return read.invalidBecause("the signature has no signed attributes");
        }
        try {
            boolean verified = signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(BouncyCastle.PROVIDER)
                    .build(certificate));
            return verified ? read : read.invalidBecause("the signature does not verify with the certificate it names");
        } catch (CMSSignerDigestMismatchException e) {
            return read.invalidBecause("the content is not what was signed: its digest differs from the signed one");
        } catch (CMSVerifierCertificateNotValidException e) {
            return read.invalidBecause("the certificate was not valid at the signing time");
        } catch (OperatorCreationException | CertificateException e) {
            return read.invalidBecause("the signature cannot be checked: " + e.getMessage());
        } catch (CMSException e) {
            return read.invalidBecause("the signature does not verify with the certificate it names: " + e.getMessage());
        }
    }

    /** BouncyCastle's stores and signer ids are raw types; the certificates are X.509 holders. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Collection<X509CertificateHolder> certificatesOf(CMSSignedDataParser parser, SignerInformation signer)
            throws CMSException {
        Store<X509CertificateHolder> store = parser.getCertificates();
        Selector<X509CertificateHolder> selector = (Selector) signer.getSID();
        return store.getMatches(selector);
    }

    /** The caller owns the content stream; the parser must not close it. */
    private static final class UnclosedInputStream extends java.io.FilterInputStream {
        UnclosedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // The caller closes it.
        }
    }
}
