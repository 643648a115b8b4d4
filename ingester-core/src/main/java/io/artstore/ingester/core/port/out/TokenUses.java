package io.artstore.ingester.core.port.out;

import java.time.Instant;

/**
 * How often each temporary token was used, so that a token issued for a number of uses serves no more, across
 * restarts (and, with a shared store, across instances).
 */
public interface TokenUses {

    /**
     * Counts one use of the token {@code tokenId}. The count is durable before this returns {@code true}.
     *
     * @param expiresAt when the token expires; its count may be forgotten after that
     * @return whether this use is within {@code maxUses}; {@code false} counts nothing
     */
    boolean tryUse(String tokenId, int maxUses, Instant expiresAt);
}
