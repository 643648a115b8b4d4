package io.artstore.ingester.core.service;

import io.artstore.ingester.core.clock.ClockOrder;
import io.artstore.ingester.core.clock.ClockParticipants;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.out.FileClocks;
import java.util.Objects;
import java.util.Optional;

/**
 * Refuses an operation on a file whose client clock is concurrent with the file's last change: the client acted
 * on a state of the file that it had not seen change, and that change did not see the client's. A client that has
 * seen the last change sends a clock at or after it and passes; so does a client that sends no clock, which opts
 * out of the check. An older clock (before the last change) passes too: it saw nothing the change did not.
 *
 * <p>The file's last change counts with the entries of {@link ClockParticipants participants} only, as the
 * instance's clock does; so an entry of another node that an earlier version let into a stored clock neither
 * causes a refusal nor shows in {@link #lastChange}.
 */
public final class ConcurrentOperationGuard {

    private final FileClocks lastChanges;
    private final ClockParticipants participants;

    public ConcurrentOperationGuard(FileClocks lastChanges, ClockParticipants participants) {
        this.lastChanges = Objects.requireNonNull(lastChanges, "lastChanges");
        this.participants = Objects.requireNonNull(participants, "participants");
    }

    /** The clock of the file's last change, which a client merges into its own to have seen that change. */
    public Optional<VectorClock> lastChange(FileId fileId) {
        Objects.requireNonNull(fileId, "fileId");
        return lastChanges.lastChange(fileId).map(participants::retain).filter(clock -> clock.size() > 0);
    }

    /**
     * @throws IngestException 409 {@code concurrent_operation} when the client's clock is concurrent with the file's
     *     last change
     */
    public void check(FileId fileId, Optional<VectorClock> clientClock) {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(clientClock, "clientClock");
        if (clientClock.isEmpty()) {
            return;
        }
        Optional<VectorClock> last = lastChange(fileId);
        if (last.isPresent() && clientClock.get().compare(last.get()) == ClockOrder.CONCURRENT) {
            throw IngestException.conflict("concurrent_operation", "file " + fileId + " was changed at vector clock '"
                    + last.get().toText() + "', which the request's clock '" + clientClock.get().toText()
                    + "' has not seen; read the file again (GET /api/v1/files/" + fileId + " answers its clock in"
                    + " X-ArtStore-Vector-Clock), merge its clock and retry");
        }
    }
}
