package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.ParticipantReply;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransferStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code transfer_file} (payload {@code {"file_id", "target_storage_element_id"?}}): moves a file from its
 * {@code edit} storage element to an {@code rw} one by two-phase commit, and answers once the transaction has
 * ended. Its id is derived from the (saga id, step), so an attempt that takes over from a dead one drives or
 * awaits the transaction that one began instead of beginning another.
 *
 * <p>A committed transfer is not undone (files on {@code rw} elements are permanent): its compensate fails with
 * {@code not_compensable}. An aborted one left the file where it was: its execute failed, and the compensate has
 * nothing to undo.
 */
public final class TransferFileOperation implements ParticipantOperation {

    public static final String NAME = "transfer_file";
    private static final String TARGET = "target_storage_element_id";

    private final TransferCoordinator transfers;

    public TransferFileOperation(TransferCoordinator transfers) {
        this.transfers = Objects.requireNonNull(transfers, "transfers");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The transaction run for a step: the same for every attempt at it. */
    public static TransactionId transactionFor(CommandKey key) {
        return new TransactionId(UUID.nameUUIDFromBytes(("transfer_file/" + key.stepKey()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Result execute(ParticipantCommand command) {
        FileId fileId = Payloads.fileId(command);
        Optional<StorageElementId> target = Payloads.elementId(command, TARGET);
        TransactionId id = transactionFor(command.key());
        if (known(id).isEmpty()) {
            transfers.start(fileId, target, command.clock(), id);
        }
        return of(transfers.run(id));
    }

    private Optional<TransferStatus> known(TransactionId id) {
        try {
            return Optional.of(transfers.status(id));
        } catch (IngestException e) {
            if (e.kind() == IngestException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Result of(TransferStatus status) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("file_id", status.fileId().toString());
        result.put("transaction_id", status.transactionId().toString());
        result.put("source_storage_element_id", status.source().value());
        result.put("target_storage_element_id", status.target().value());
        result.put("state", status.state().wireName());
        return switch (status.state()) {
            case COMMITTED -> new Result.Done(result);
            case ABORTED -> new Result.Failed("transfer_aborted", "the transfer of file " + status.fileId()
                    + " was aborted and the file left where it was: " + status.error().orElse("no reason given"), result);
            case HEURISTIC -> new Result.Failed("transfer_heuristic", "the transfer of file " + status.fileId()
                    + " ended in a state an operator must look at: " + status.error().orElse("no reason given"), result);
            default -> new Result.Pending("transfer_pending", "the transfer of file " + status.fileId() + " is "
                    + status.state().wireName() + " and is finished by recovery" + status.error().map(e -> ": " + e)
                            .orElse(""), result);
        };
    }

    @Override
    public Result compensate(ParticipantCommand command, ParticipantReply executed) {
        return new Result.Failed("not_compensable", "file " + executed.result().get("file_id") + " was transferred to"
                + " storage element " + executed.result().get(TARGET) + ", where files are permanent; a transfer cannot"
                + " be undone", executed.result());
    }
}
