package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.VerificationResult;
import java.security.cert.CertificateException;
import java.util.Collection;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Selector;
import org.bouncycastle.util.Store;

/**
 * Checks the one signer of a SignedData whose content digest is known (digested while streaming, or given):
 * its certificate is inside, its key and digest are one of the four algorithms, the signed attributes are
 * there, the message digest matches, the signature verifies, and the certificate was valid at signing time.
 */
final class SignerChecks {

    private SignerChecks() {
    }

    static VerificationResult check(SignerInformationStore signerInfos, Store<X509CertificateHolder> certificates)
            throws CMSException {
        Collection<SignerInformation> signers = signerInfos.getSigners();
        if (signers.size() != 1) {
            return VerificationResult.invalid("expected one signer, found " + signers.size());
        }
        SignerInformation signer = signers.iterator().next();
        Collection<X509CertificateHolder> matching = certificates.getMatches(selectorOf(signer));
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

    /** BouncyCastle's signer ids are raw selectors; the certificates are X.509 holders. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Selector<X509CertificateHolder> selectorOf(SignerInformation signer) {
        return (Selector) signer.getSID();
    }
}
