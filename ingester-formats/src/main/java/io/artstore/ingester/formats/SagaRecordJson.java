package io.artstore.ingester.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.StepFailure;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A saga record as JSON, the same in every saga log (a frame of the embedded log, an entry in Redis), so a record
 * reads the same wherever it was kept; field by field, so the format does not follow the class. The
 * vector clock ({@code vector_clock}, text form) is written only when stamped; records without it read as empty.
 * The saga definition's version ({@code definition_version}) is written only when it is not 1, so records of
 * releases that had no versions read as version 1, which is what they were.
 */
public final class SagaRecordJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SagaRecordJson() {
    }

    public static byte[] write(SagaRecord record) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("saga_id", record.sagaId().value());
        json.put("saga_type", record.sagaType());
        if (record.definitionVersion() != 1) {
            json.put("definition_version", record.definitionVersion());
        }
        json.put("sequence", record.sequence());
        json.put("kind", record.kind().name());
        json.put("step", record.step());
        json.put("attempt", record.attempt());
        json.put("at", record.at().toString());
        json.put("owner", record.owner());
        json.put("lease_until", record.leaseUntil().toString());
        ObjectNode data = json.putObject("data");
        new TreeMap<>(record.data()).forEach(data::put);
        record.failure().ifPresent(failure -> json.putObject("failure")
                .put("type", failure.type().name())
                .put("message", failure.message()));
        if (record.clock().size() > 0) {
            json.put("vector_clock", record.clock().toText());
        }
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("could not write saga record " + record.sequence() + " of " + record.sagaId(), e);
        }
    }

    /** @throws IllegalArgumentException when the body is not a saga record */
    public static SagaRecord read(byte[] body) {
        try {
            JsonNode json = MAPPER.readTree(body);
            Map<String, String> data = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : required(json, "data").properties()) {
                if (!field.getValue().isTextual()) {
                    throw new IllegalArgumentException("data field '" + field.getKey() + "' is not text");
                }
                data.put(field.getKey(), field.getValue().textValue());
            }
            Optional<StepFailure> failure = json.hasNonNull("failure")
                    ? Optional.of(new StepFailure(StepFailure.Type.valueOf(text(json.get("failure"), "type")), text(json.get("failure"), "message")))
                    : Optional.empty();
            JsonNode version = json.get("definition_version");
            if (version != null && !version.isInt()) {
                throw new IllegalArgumentException("field 'definition_version' is not a whole number");
            }
            return new SagaRecord(new SagaId(text(json, "saga_id")), text(json, "saga_type"), version == null ? 1 : version.intValue(),
                    required(json, "sequence").longValue(),
                    SagaRecord.Kind.valueOf(text(json, "kind")), required(json, "step").intValue(), required(json, "attempt").intValue(),
                    Instant.parse(text(json, "at")), text(json, "owner"), Instant.parse(text(json, "lease_until")), data, failure,
                    json.hasNonNull("vector_clock") ? VectorClock.parseSaturating(text(json, "vector_clock")) : VectorClock.empty());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a saga record: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return value;
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = required(json, field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is not text");
        }
        return value.textValue();
    }
}
