package io.artstore.ingester.core.participant;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.in.ParticipantCommand;
import java.util.Optional;

/** Reading the operations' payload fields, with 400-style failures naming the field. */
final class Payloads {

    private Payloads() {}

    static FileId fileId(ParticipantCommand command) {
        Object value = command.payload().get("file_id");
        if (!(value instanceof String text)) {
            throw IngestException.invalid("invalid_payload", command.operation() + " needs payload.file_id, a file id");
        }
        try {
            return FileId.parse(text);
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_payload", "payload.file_id is not a file id: " + e.getMessage());
        }
    }

    static Optional<StorageElementId> elementId(ParticipantCommand command, String field) {
        Object value = command.payload().get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw IngestException.invalid("invalid_payload", "payload." + field + " must be a storage element id");
        }
        try {
            return Optional.of(StorageElementId.of(text));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_payload", "payload." + field + " is not a storage element id: "
                    + e.getMessage());
        }
    }
}
