package io.artstore.ingester.server.config;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How uploads are signed. The key comes from the signing service when its URL is set, else from the
 * configured PKCS#12 keystore, else from a self-signed key the server generates under {@code <data>/keys}.
 *
 * @param signByDefault sign uploads that do not say {@code sign}
 * @param algorithm of the generated key, and what the signing service is asked for
 */
public record SigningSettings(
        boolean signByDefault,
        SignatureAlgorithm algorithm,
        Optional<Path> keystorePath,
        Optional<String> keystorePassword,
        String keystoreAlias,
        Optional<URI> serviceUrl,
        Optional<String> serviceToken) {

    public static final String DEFAULT_ALIAS = "signing";

    public SigningSettings {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(keystorePath, "keystorePath");
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        Objects.requireNonNull(keystoreAlias, "keystoreAlias");
        Objects.requireNonNull(serviceUrl, "serviceUrl");
        Objects.requireNonNull(serviceToken, "serviceToken");
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "SigningSettings[signByDefault=" + signByDefault + ", algorithm=" + algorithm.wireName()
                + ", keystorePath=" + keystorePath.map(Path::toString).orElse("none")
                + ", keystorePassword=" + keystorePassword.map(secret -> IngesterConfig.MASK).orElse("none")
                + ", keystoreAlias=" + keystoreAlias + ", serviceUrl=" + serviceUrl.map(URI::toString).orElse("none")
                + ", serviceToken=" + serviceToken.map(secret -> IngesterConfig.MASK).orElse("none") + "]";
    }

    /** Where the key comes from, as shown to operators. */
    public String source() {
        return serviceUrl.isPresent() ? "service" : keystorePath.isPresent() ? "keystore" : "embedded";
    }
}
