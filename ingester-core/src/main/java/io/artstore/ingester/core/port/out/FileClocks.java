package io.artstore.ingester.core.port.out;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import java.util.Optional;

/**
 * The vector clock of the last state-changing operation on each file, so that an operation issued without
 * knowledge of it can be told apart and refused. Implementations are thread-safe; writes are durable when the
 * call returns.
 */
public interface FileClocks {

    /** The clock of the file's last change, or empty when none was recorded. */
    Optional<VectorClock> lastChange(FileId fileId);

    /** Records a change; a clock that is not after the recorded one is merged with it, never lost. */
    void recordChange(FileId fileId, VectorClock clock);
}
