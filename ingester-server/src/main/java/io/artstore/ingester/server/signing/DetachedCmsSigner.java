package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds a detached CMS SignedData (DER) over a digest of the content computed elsewhere, with the signed
 * attributes content-type, message-digest, signing-time and CMS algorithm protection, and the signer's
 * certificate. Thread-safe: every call builds its own signing objects.
 */
final class DetachedCmsSigner {

    private final SignatureAlgorithm algorithm;
    private final PrivateKey key;
    private final X509CertificateHolder certificate;

    DetachedCmsSigner(SignatureAlgorithm algorithm, PrivateKey key, X509CertificateHolder certificate) {
        this.algorithm = algorithm;
        this.key = key;
        this.certificate = certificate;
    }

    /**
     * @param contentDigest the content's digest by {@link SignatureAlgorithm#digestName()}
     * @param signingTime goes into the signing-time attribute, to the second
     */
    byte[] sign(byte[] contentDigest, Instant signingTime) throws OperatorCreationException, CMSException, IOException {
        ContentSigner contentSigner = new JcaContentSignerBuilder(SignatureAlgorithms.jcaSignatureName(algorithm))
                .setProvider(BouncyCastle.PROVIDER)
                .build(key);
        AttributeTable fixedAttributes = new AttributeTable(new Attribute(
                CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
        SignerInfoGenerator signerInfo = new JcaSignerInfoGeneratorBuilder(precomputed(contentDigest))
                .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(fixedAttributes))
                .build(contentSigner, certificate);
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(signerInfo);
        generator.addCertificate(certificate);
        // The content is absent: the digest already stands for it, and the signature is detached.
        return generator.generate(new CMSAbsentContent(), false).getEncoded(ASN1Encoding.DER);
    }

    /** Hands BouncyCastle the digest we computed instead of letting it digest the content again. */
    private DigestCalculatorProvider precomputed(byte[] contentDigest) {
        return digestAlgorithm -> {
            if (!digestAlgorithm.getAlgorithm().equals(SignatureAlgorithms.digestOid(algorithm))) {
                throw new OperatorCreationException(algorithm + " signatures digest with " + algorithm.digestName()
                        + ", but CMS asked for " + digestAlgorithm.getAlgorithm().getId());
            }
            return new DigestCalculator() {
                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return digestAlgorithm;
                }

                @Override
                public OutputStream getOutputStream() {
                    return OutputStream.nullOutputStream();
                }

                @Override
                public byte[] getDigest() {
                    return contentDigest.clone();
                }
            };
        };
    }
}
