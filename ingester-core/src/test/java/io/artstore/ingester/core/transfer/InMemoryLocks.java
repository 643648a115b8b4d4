package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.testing.Faults;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.Locks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** File locks in memory; grants and releases pass through {@link Faults} as {@code locks.<method>}. */
public final class InMemoryLocks implements Locks {

    private final Faults faults;
    private final Map<FileId, Lock> held = new HashMap<>();
    private long lastToken;

    public InMemoryLocks(Faults faults) {
        this.faults = faults;
    }

    public InMemoryLocks() {
        this(new Faults());
    }

    @Override
    public Optional<Lock> tryLock(FileId fileId, Operation operation, String owner) {
        return faults.around("locks.tryLock", () -> {
            synchronized (this) {
                Lock current = held.get(fileId);
                if (current != null) {
                    return current.owner().equals(owner) && current.operation() == operation
                            ? Optional.of(current) : Optional.<Lock>empty();
                }
                Lock lock = new Lock(fileId, operation, owner, ++lastToken);
                held.put(fileId, lock);
                return Optional.of(lock);
            }
        });
    }

    @Override
    public boolean release(Lock lock) {
        return faults.around("locks.release", () -> {
            synchronized (this) {
                return held.remove(lock.fileId(), lock);
            }
        });
    }

    @Override
    public synchronized Optional<Lock> holder(FileId fileId) {
        return Optional.ofNullable(held.get(fileId));
    }

    @Override
    public synchronized List<Lock> held() {
        return new ArrayList<>(held.values());
    }
}
