package io.artstore.ingester.core.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * Who made a request, as its token says: subject, display name, the client it was issued to and the token's
 * own id. Crosses into the core so that stored files and audit records name the same person the token does.
 */
public record Caller(String subject, String name, Optional<String> clientId, Optional<String> tokenId) {

    public Caller {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(tokenId, "tokenId");
        if (subject.isBlank() || name.isBlank()) {
            throw new IllegalArgumentException("caller subject and name must not be blank");
        }
    }

    /** The caller when authentication is off. */
    public static Caller anonymous() {
        return new Caller("anonymous", "anonymous", Optional.empty(), Optional.empty());
    }

    public boolean isAnonymous() {
        return this.equals(anonymous());
    }

    /** The uploader recorded in a file's attributes: ArtStore names files after the token's {@code name}. */
    public Uploader asUploader() {
        return new Uploader(subject, name, Optional.empty());
    }
}
