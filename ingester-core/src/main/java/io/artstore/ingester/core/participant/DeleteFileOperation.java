package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.in.DeletedFile;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import io.artstore.ingester.core.port.in.ParticipantReply;
import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.service.DurableDeleteFileService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code delete_file} (payload {@code {"file_id"}}): deletes a file from its {@code edit} storage element by the
 * delete saga. The saga's id is derived from the (saga id, step), so an attempt that takes over from a dead one
 * finds the saga it started and reports how it ended (recovery drives it to its end) instead of deleting again.
 *
 * <p>A delete is not undone: the file's bytes are gone. Its compensate after a successful execute fails with
 * {@code not_compensable}, so a coordinator places it where no later step can fail (the pivot or after it).
 */
public final class DeleteFileOperation implements ParticipantOperation {

    public static final String NAME = "delete_file";

    private final DurableDeleteFileService deletes;
    private final SagaLog sagas;

    public DeleteFileOperation(DurableDeleteFileService deletes, SagaLog sagas) {
        this.deletes = Objects.requireNonNull(deletes, "deletes");
        this.sagas = Objects.requireNonNull(sagas, "sagas");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The delete saga run for a step: the same for every attempt at it. */
    public static SagaId sagaFor(CommandKey key) {
        return new SagaId("participant-" + UUID.nameUUIDFromBytes(("delete_file/" + key.stepKey())
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Result execute(ParticipantCommand command) {
        FileId fileId = Payloads.fileId(command);
        SagaId sagaId = sagaFor(command.key());
        List<SagaRecord> earlier = sagas.load(sagaId);
        if (!earlier.isEmpty()) {
            return ended(fileId, sagaId, earlier);
        }
        DeletedFile deleted = deletes.delete(fileId, sagaId);
        return new Result.Done(Map.of("file_id", fileId.toString(), "delete_saga_id", deleted.sagaId().value(),
                "storage_element_id", deleted.entry().elementId().value()));
    }

    /** How the saga an earlier attempt started stands now. */
    private static Result ended(FileId fileId, SagaId sagaId, List<SagaRecord> records) {
        SagaState state = SagaState.of(records);
        Map<String, Object> result = Map.of("file_id", fileId.toString(), "delete_saga_id", sagaId.value());
        return switch (state) {
            case COMPLETED -> new Result.Done(result);
            case COMPENSATED, FAILED_COMPENSATION -> new Result.Failed("delete_failed", "the delete of file " + fileId
                    + " was undone (saga " + sagaId + ", " + state + "): " + records.stream()
                            .map(SagaRecord::failure).flatMap(java.util.Optional::stream)
                            .map(failure -> failure.message()).reduce((a, b) -> b).orElse("no reason logged"), result);
            case RUNNING, COMPENSATING -> new Result.Pending("saga_pending", "the delete of file " + fileId
                    + " is being finished by recovery (saga " + sagaId + ")", result);
        };
    }

    @Override
    public Result compensate(ParticipantCommand command, ParticipantReply executed) {
        return new Result.Failed("not_compensable", "file " + executed.result().get("file_id") + " was deleted; a"
                + " delete cannot be undone", executed.result());
    }
}
