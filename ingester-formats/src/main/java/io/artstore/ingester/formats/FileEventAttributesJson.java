package io.artstore.ingester.formats;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * A file event's {@code attributes} object ({@link FileEventAttributes#toFields}), the same in the outbox and the
 * local event log as on the broker (documented in {@code docs/events.md}).
 */
public final class FileEventAttributesJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private FileEventAttributesJson() {
    }

    public static ObjectNode toJson(FileEventAttributes attributes) {
        return MAPPER.valueToTree(attributes.toFields());
    }

    /**
     * Reads what {@link #toJson} wrote; {@code null} or no node is an event without attributes.
     *
     * @throws IllegalArgumentException when the node is no object or a required field is missing or malformed
     */
    public static Optional<FileEventAttributes> fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("attributes must be a JSON object");
        }
        return Optional.of(FileEventAttributes.fromFields(MAPPER.convertValue(node, MAP)));
    }
}
