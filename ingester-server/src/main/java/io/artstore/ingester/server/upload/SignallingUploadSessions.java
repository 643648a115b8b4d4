package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sessions, telling waiters on this instance when one of them changes here: a request waiting for a lock, or a
 * progress stream, wakes at the change instead of polling for it. Changes made by other instances are not seen here;
 * their waiters still re-read the session at a bounded interval.
 */
public final class SignallingUploadSessions implements UploadSessions {

    private final UploadSessions sessions;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /**
     * Changes made through this instance, to any upload: one count for all keeps nothing per upload to forget. A waiter
     * woken by another upload's change re-reads its own session and waits again.
     */
    private long changes;

    public SignallingUploadSessions(UploadSessions sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /** The changes made here so far; read before the session, then given to {@link #awaitChange}. */
    public long changes() {
        lock.lock();
        try {
            return changes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until this instance changes a session after {@code seen} changes, or until {@code deadline}.
     *
     * @return whether a session changed
     */
    public boolean awaitChange(long seen, Instant deadline) throws InterruptedException {
        lock.lock();
        try {
            while (changes == seen) {
                long left = Duration.between(Instant.now(), deadline).toNanos();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the waiters when a change was made; returns whether it was. */
    private boolean signalled(boolean made) {
        if (made) {
            signal();
        }
        return made;
    }

    private void signal() {
        lock.lock();
        try {
            changes++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean create(UploadSession session) {
        return signalled(sessions.create(session));
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        return sessions.find(id);
    }

    @Override
    public boolean replace(UploadSession next) {
        return signalled(sessions.replace(next));
    }

    @Override
    public boolean replaceLease(UploadSession next) {
        return signalled(sessions.replaceLease(next));
    }

    @Override
    public boolean remove(UploadId id, long revision) {
        return signalled(sessions.remove(id, revision));
    }

    @Override
    public List<UploadSession> expiredAt(Instant now, int limit) {
        return sessions.expiredAt(now, limit);
    }

    @Override
    public List<UploadSession> list(int limit) {
        return sessions.list(limit);
    }
}
