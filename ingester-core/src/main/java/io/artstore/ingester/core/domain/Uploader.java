package io.artstore.ingester.core.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * Who adds a file: the token's subject and display name. The display name becomes part of the stored
 * file name, as on ArtStore storage elements.
 */
public record Uploader(String id, String username, Optional<String> fullname) {

    public Uploader {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(fullname, "fullname");
        if (id.isBlank() || username.isBlank()) {
            throw new IllegalArgumentException("uploader id and username must not be blank");
        }
    }

    /** Who uploads when authentication is off. */
    public static Uploader anonymous() {
        return new Uploader("anonymous", "anonymous", Optional.empty());
    }
}
