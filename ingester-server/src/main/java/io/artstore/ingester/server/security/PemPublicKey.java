package io.artstore.ingester.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin module's public key from a PEM file ({@code AUTH_PUBLIC_KEY_PATH}), re-read when its content changes.
 * A new key takes over at once and the one it replaced stays valid for the rotation grace period, so that tokens
 * signed just before the rotation keep working; content that is not an RSA public key keeps the key in use and is
 * logged once.
 */
public final class PemPublicKey {

    private static final Logger LOG = LoggerFactory.getLogger(PemPublicKey.class);

    private final Path path;
    private final Duration grace;
    private final Duration checkInterval;
    private final Clock clock;
    private RSAPublicKey current;
    private RSAPublicKey previous;
    private Instant previousUntil = Instant.MIN;
    private byte[] lastSeen;
    private Instant nextCheck;

    /** @throws IllegalArgumentException when the file cannot be read or holds no RSA public key: nothing to start with */
    public PemPublicKey(Path path, Duration grace, Duration checkInterval, Clock clock) {
        this.path = Objects.requireNonNull(path, "path");
        this.grace = Objects.requireNonNull(grace, "grace");
        this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            lastSeen = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the public key file " + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        try {
            current = parse(lastSeen);
        } catch (JOSEException | RuntimeException e) {
            throw new IllegalArgumentException("the file " + path.toAbsolutePath() + " holds no RSA public key in PEM form: "
                    + e.getMessage(), e);
        }
        nextCheck = clock.instant().plus(checkInterval);
    }

    /** The keys a token may be signed with now: the current one, and the one before it during its grace period. */
    public synchronized List<RSAPublicKey> keys() {
        Instant now = clock.instant();
        if (!now.isBefore(nextCheck)) {
            nextCheck = now.plus(checkInterval);
            reload(now);
        }
        List<RSAPublicKey> keys = new ArrayList<>(2);
        keys.add(current);
        if (previous != null && now.isBefore(previousUntil)) {
            keys.add(previous);
        }
        return keys;
    }

    private void reload(Instant now) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            if (lastSeen != null) {
                LOG.warn("cannot read the public key file {} ({}); tokens are still checked with the key read before", path, e.getMessage());
                lastSeen = null;
            }
            return;
        }
        if (Arrays.equals(bytes, lastSeen)) {
            return;
        }
        lastSeen = bytes;
        RSAPublicKey read;
        try {
            read = parse(bytes);
        } catch (JOSEException | RuntimeException e) {
            LOG.warn("the public key file {} changed but holds no RSA public key in PEM form ({}); tokens are still checked"
                    + " with the key read before", path, e.getMessage());
            return;
        }
        if (read.equals(current)) {
            return;
        }
        previous = current;
        previousUntil = now.plus(grace);
        current = read;
        LOG.info("read a new public key from {}; the previous key stays valid until {}", path, previousUntil);
    }

    static RSAPublicKey parse(byte[] pem) throws JOSEException {
        JWK jwk = JWK.parseFromPEMEncodedObjects(new String(pem, StandardCharsets.US_ASCII));
        if (!(jwk instanceof RSAKey rsa)) {
            throw new JOSEException("the key is " + jwk.getKeyType() + ", not RSA");
        }
        return rsa.toRSAPublicKey();
    }
}
