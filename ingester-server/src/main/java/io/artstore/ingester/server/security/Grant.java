package io.artstore.ingester.server.security;

import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What one verified token allows: who it is, what it may do and where.
 *
 * @param elements the storage elements it may act on; empty = any
 * @param modes the storage element modes it may act on; empty = any
 * @param maxBytes the largest file it may upload (temporary tokens)
 * @param uses how many requests a temporary token serves; empty = any number until it expires
 * @param rateLimit requests per minute of its subject (the {@code rate_limit} claim)
 * @param temporary whether the ingester itself issued it ({@code POST /api/v1/tokens})
 */
public record Grant(Caller caller, String role, Set<Permission> permissions, Optional<Set<StorageElementId>> elements,
        Optional<Set<Mode>> modes, OptionalLong maxBytes, OptionalInt uses, OptionalInt rateLimit, boolean temporary,
        Instant expiresAt) {

    public Grant {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(role, "role");
        permissions = Set.copyOf(permissions);
        elements = elements.map(Set::copyOf);
        modes = modes.map(Set::copyOf);
        Objects.requireNonNull(maxBytes, "maxBytes");
        Objects.requireNonNull(uses, "uses");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    /** Whether a file on {@code element}, of {@code mode}, is within this grant's reach. */
    public boolean reaches(StorageElementId element, Mode mode) {
        return elements.map(set -> set.contains(element)).orElse(true) && reachesMode(mode);
    }

    public boolean reachesMode(Mode mode) {
        return modes.map(set -> set.contains(mode)).orElse(true);
    }

    public boolean limitedToElements() {
        return elements.isPresent();
    }
}
