package io.artstore.ingester.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private SagaRecordJson() {
    }

    /** Written field by field as it streams (no tree in between): every step of every saga writes a few of these. */
    public static byte[] write(SagaRecord record) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("saga_id", record.sagaId().value());
            json.writeStringField("saga_type", record.sagaType());
            if (record.definitionVersion() != 1) {
                json.writeNumberField("definition_version", record.definitionVersion());
            }
            json.writeNumberField("sequence", record.sequence());
            json.writeStringField("kind", record.kind().name());
            json.writeNumberField("step", record.step());
            json.writeNumberField("attempt", record.attempt());
            json.writeStringField("at", record.at().toString());
            json.writeStringField("owner", record.owner());
            json.writeStringField("lease_until", record.leaseUntil().toString());
            json.writeObjectFieldStart("data");
            for (Map.Entry<String, String> field : new TreeMap<>(record.data()).entrySet()) {
                json.writeStringField(field.getKey(), field.getValue());
            }
            json.writeEndObject();
            if (record.failure().isPresent()) {
                StepFailure failure = record.failure().get();
                json.writeObjectFieldStart("failure");
                json.writeStringField("type", failure.type().name());
                json.writeStringField("message", failure.message());
                json.writeEndObject();
            }
            if (record.clock().size() > 0) {
                json.writeStringField("vector_clock", record.clock().toText());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("could not write saga record " + record.sequence() + " of " + record.sagaId(), e);
        }
        return out.toByteArray();
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
