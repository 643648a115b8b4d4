package io.artstore.ingester.storage.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.core.saga.SagaId;
import java.io.IOException;
import java.util.Optional;

/**
 * The frame body that folds a saga away in {@link FileSagaLog}: compaction writes it where records of another
 * instance's file may still name the saga. Saga records themselves are written by
 * {@link io.artstore.ingester.formats.SagaRecordJson}.
 */
final class SagaTombstoneJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FOLDED = "folded_saga_id";

    private SagaTombstoneJson() {
    }

    /** A tombstone: the saga was folded away by compaction, and its records in any file are to be ignored. */
    static byte[] write(SagaId sagaId) {
        try {
            return MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put(FOLDED, sagaId.value()));
        } catch (IOException e) {
            throw new IllegalStateException("could not write the tombstone of " + sagaId, e);
        }
    }

    /** The saga a tombstone names, or empty when the body is no tombstone. */
    static Optional<SagaId> read(byte[] body) {
        try {
            JsonNode json = MAPPER.readTree(body);
            if (json != null && json.isObject() && json.size() == 1 && json.path(FOLDED).isTextual()) {
                return Optional.of(new SagaId(json.get(FOLDED).textValue()));
            }
        } catch (IOException | RuntimeException notATombstone) {
            // Neither a record nor a tombstone: the caller reports it.
        }
        return Optional.empty();
    }
}
