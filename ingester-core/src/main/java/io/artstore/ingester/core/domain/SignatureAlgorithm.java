package io.artstore.ingester.core.domain;

/**
 * How a detached CMS signature is made. Each algorithm fixes the message digest that CMS puts into the
 * signed attributes, which is why a signer must see the original bytes while they stream.
 */
public enum SignatureAlgorithm {
    /** RSA PKCS#1 v1.5 over SHA-256. */
    RSA_SHA256("rsa-sha256", "SHA-256"),
    /** ECDSA on NIST P-256 over SHA-256. */
    ECDSA_P256_SHA256("ecdsa-p256-sha256", "SHA-256"),
    /** Ed25519; RFC 8419 requires SHA-512 as the CMS message digest. */
    ED25519("ed25519", "SHA-512"),
    /** GOST R 34.10-2012 with a 256-bit key over Streebog-256 (GOST R 34.11-2012). */
    GOST3410_2012_256("gost3410-2012-256", "GOST3411-2012-256");

    private final String wireName;
    private final String digestName;

    SignatureAlgorithm(String wireName, String digestName) {
        this.wireName = wireName;
        this.digestName = digestName;
    }

    /** The name written to metadata and exchanged with signing services. */
    public String wireName() {
        return wireName;
    }

    /** The message digest of the content that the signed attributes carry, by its JCA name. */
    public String digestName() {
        return digestName;
    }

    /** Accepts the wire name or the constant's name, in any case. */
    public static SignatureAlgorithm parse(String text) {
        if (text != null) {
            String wanted = text.trim();
            for (SignatureAlgorithm algorithm : values()) {
                if (algorithm.wireName.equalsIgnoreCase(wanted) || algorithm.name().equalsIgnoreCase(wanted)) {
                    return algorithm;
                }
            }
        }
        throw new IllegalArgumentException("signature algorithm must be one of "
                + String.join(", ", wireNames()) + ", got '" + text + "'");
    }

    private static String[] wireNames() {
        SignatureAlgorithm[] all = values();
        String[] names = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            names[i] = "'" + all[i].wireName + "'";
        }
        return names;
    }
}
