package io.artstore.ingester.server.signing;

import io.artstore.ingester.core.domain.SignatureAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the external signing service is and how long to wait for it. The token is kept out of
 * {@link #toString()}.
 *
 * @param url the service's signing endpoint, http or https
 * @param bearerToken sent as {@code Authorization: Bearer <token>}
 * @param algorithm what the service's key signs with; it must digest with SHA-256, which the contract fixes
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for the answer once the request is sent
 */
public record HttpSignerSettings(URI url, String bearerToken, SignatureAlgorithm algorithm, Duration connectTimeout,
        Duration requestTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public HttpSignerSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (!url.isAbsolute() || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("the signing service URL must be an absolute http(s) URL, got '" + url + "'");
        }
        if (bearerToken.isBlank()) {
            throw new IllegalArgumentException("the signing service needs a bearer token");
        }
        if (!"SHA-256".equals(algorithm.digestName())) {
            throw new IllegalArgumentException("the signing service is sent SHA-256 digests, which "
                    + algorithm.wireName() + " cannot sign (it digests with " + algorithm.digestName()
                    + "); use rsa-sha256 or ecdsa-p256-sha256, or sign locally");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("the signing service's timeouts must be positive");
        }
    }

    public static HttpSignerSettings of(URI url, String bearerToken, SignatureAlgorithm algorithm) {
        return new HttpSignerSettings(url, bearerToken, algorithm, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    public HttpSignerSettings withRequestTimeout(Duration timeout) {
        return new HttpSignerSettings(url, bearerToken, algorithm, connectTimeout, timeout);
    }

    @Override
    public String toString() {
        return "HttpSignerSettings[url=" + url + ", bearerToken=***, algorithm=" + algorithm.wireName()
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }
}
