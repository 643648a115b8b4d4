package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.time.Clock;

class FakeSignerContractTest extends SignerContract {

    @Override
    protected Signer signer() {
        return new FakeSigner(SignatureAlgorithm.ED25519, Clock.systemUTC());
    }

    @Override
    protected SignatureVerifier verifier() {
        return new FakeSignatureVerifier();
    }
}
