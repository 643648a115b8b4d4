package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.server.config.SigningSettings;
import java.nio.file.Path;
import java.time.Clock;

/** Builds the signer the configuration asks for: the signing service, a keystore, or an embedded key. */
public final class Signers {

    private Signers() {
    }

    /**
     * @param dataDir the embedded key is generated under {@code <dataDir>/keys} on first start
     */
    public static Signer create(SigningSettings settings, Path dataDir, Clock clock) {
        if (settings.serviceUrl().isPresent()) {
            return new HttpSigner(HttpSignerSettings.of(settings.serviceUrl().get(), settings.serviceToken().orElseThrow(),
                    settings.algorithm()), clock);
        }
        if (settings.keystorePath().isPresent()) {
            return BouncyCastleSigner.fromKeystore(new KeystoreSettings(settings.keystorePath().get(),
                    settings.keystorePassword().orElse(""), settings.keystoreAlias()), clock);
        }
        EmbeddedSigningKeysSettings embedded = EmbeddedSigningKeysSettings.defaults(dataDir).withAlgorithm(settings.algorithm());
        return BouncyCastleSigner.fromKeystore(EmbeddedSigningKeys.loadOrCreate(embedded, clock), clock);
    }
}
