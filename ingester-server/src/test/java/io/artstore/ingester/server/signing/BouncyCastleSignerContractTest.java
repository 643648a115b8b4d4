package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import io.artstore.ingester.core.port.out.SignatureVerifier;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.SignerContract;
import org.junit.jupiter.api.Nested;

/** The signer port's contract, for each algorithm of the local signer. */
class BouncyCastleSignerContractTest {

    abstract static class WithAlgorithm extends SignerContract {
        abstract SignatureAlgorithm algorithm();

        @Override
        protected Signer signer() {
            return SigningFixtures.identity(algorithm()).signer();
        }

        @Override
        protected SignatureVerifier verifier() {
            return new BouncyCastleSignatureVerifier();
        }
    }

    @Nested
    class Rsa extends WithAlgorithm {
        @Override
        SignatureAlgorithm algorithm() {
            return SignatureAlgorithm.RSA_SHA256;
        }
    }

    @Nested
    class EcdsaP256 extends WithAlgorithm {
        @Override
        SignatureAlgorithm algorithm() {
            return SignatureAlgorithm.ECDSA_P256_SHA256;
        }
    }

    @Nested
    class Ed25519 extends WithAlgorithm {
        @Override
        SignatureAlgorithm algorithm() {
            return SignatureAlgorithm.ED25519;
        }
    }

    @Nested
    class Gost2012 extends WithAlgorithm {
        @Override
        SignatureAlgorithm algorithm() {
            return SignatureAlgorithm.GOST3410_2012_256;
        }
    }
}
