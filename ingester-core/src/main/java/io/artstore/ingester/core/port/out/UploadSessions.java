package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The sessions of resumable uploads, shared by every instance that may continue an upload. Every change is a
 * compare-and-set on the session's revision, so the lock inside a session and the offset it guards change together.
 * Writes are durable before they return, but for {@link #replaceLease}.
 */
public interface UploadSessions {

    /** Stores a new session unless one with its id exists; {@code false} then, storing nothing. */
    boolean create(UploadSession session);

    Optional<UploadSession> find(UploadId id);

    /**
     * Replaces the stored session by {@code next} if the stored one is still at {@code next.revision() - 1}.
     *
     * @return {@code false} when the session changed meanwhile or is gone; nothing is written then
     */
    boolean replace(UploadSession next);

    /**
     * As {@link #replace}, for a change of the upload's lock only (taking it, renewing it, asking for it or letting it
     * go): the change is seen by every instance, but need not survive a crash of the store. A store that loses it
     * keeps the revision before it whole, never a torn one. That is safe because a lease matters only to the
     * requests alive to hold it: a crash that loses the write ends them too (the embedded store), and a Redis
     * failover that loses it makes the holder's next check fail (the lock in the store is no longer its holder id and
     * token), before any acknowledgement; every change that moves the offset or the state goes through
     * {@link #replace} and is durable, with the lock it carries.
     *
     * @return {@code false} when the session changed meanwhile or is gone; nothing is written then
     */
    boolean replaceLease(UploadSession next);

    /** Removes the session if it is still at {@code revision}; {@code false} when it changed or is gone. */
    boolean remove(UploadId id, long revision);

    /** Up to {@code limit} sessions (finished or not) whose expiry is at or before {@code now}, earliest first. */
    List<UploadSession> expiredAt(Instant now, int limit);

    /** Up to {@code limit} sessions, most recently updated first, for progress reports. */
    List<UploadSession> list(int limit);
}
