package io.artstore.ingester.storage.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry outbox's backlog, for the status page.
 *
 * @param pending calls not yet delivered
 * @param oldestPendingSince when the oldest of them was made
 * @param failed calls given up on (the registry refused them for good, or holds a different file under the id)
 * @param delivered calls delivered since start
 * @param lastError the last failure, delivered since or not
 * @param nextAttemptAt when the relay tries again after a failure
 */
public record RegistryStatus(long pending, Optional<Instant> oldestPendingSince, long failed, long delivered,
        Optional<Problem> lastError, Optional<Instant> nextAttemptAt) {

    public RegistryStatus {
        Objects.requireNonNull(oldestPendingSince, "oldestPendingSince");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    }

    /** A failure and when it happened. */
    public record Problem(String message, Instant at) {
        public Problem {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(at, "at");
        }
    }
}
