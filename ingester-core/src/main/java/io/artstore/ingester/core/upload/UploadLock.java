package io.artstore.ingester.core.upload;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The lock of an upload, kept inside its session so that taking, renewing and releasing it, and advancing the
 * offset under it, are each one compare-and-set of the session.
 *
 * @param holder the request holding the lock (instance and request), empty when nobody does
 * @param fencingToken the token of the latest holder; it only grows, so an old holder can tell it was replaced
 * @param leaseUntil when the holder's lease ends unless renewed; after that anyone may take the lock over
 * @param releaseRequested set by a request that wants the lock: the holder stops at its next chunk and releases it
 */
public record UploadLock(Optional<String> holder, long fencingToken, Instant leaseUntil, boolean releaseRequested) {

    public UploadLock {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        if (fencingToken < 0) {
            throw new IllegalArgumentException("fencing tokens are not negative");
        }
    }

    public static UploadLock free() {
        return new UploadLock(Optional.empty(), 0, Instant.EPOCH, false);
    }

    public boolean isHeld(Instant now) {
        return holder.isPresent() && leaseUntil.isAfter(now);
    }

    public boolean isHeldBy(String request, long token) {
        return holder.filter(request::equals).isPresent() && fencingToken == token;
    }

    /** Taken by {@code request} with the next fencing token, whatever the previous holder. */
    public UploadLock takenBy(String request, Instant until) {
        return new UploadLock(Optional.of(request), fencingToken + 1, until, false);
    }

    public UploadLock renewedUntil(Instant until) {
        return new UploadLock(holder, fencingToken, until, releaseRequested);
    }

    public UploadLock withReleaseRequested() {
        return new UploadLock(holder, fencingToken, leaseUntil, true);
    }

    /** Released; the fencing token is kept so that the next holder's is larger still. */
    public UploadLock released() {
        return new UploadLock(Optional.empty(), fencingToken, Instant.EPOCH, false);
    }
}
