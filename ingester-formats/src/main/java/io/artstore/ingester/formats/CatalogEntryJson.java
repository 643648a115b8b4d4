package io.artstore.ingester.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.CatalogEntry;

/**
 * A catalogue entry as JSON, the same in the embedded catalogue's files and in Redis: where the file is
 * ({@code element_id}, {@code mode}) and its {@code attributes} as {@link AttributesJson} writes them.
 */
public final class CatalogEntryJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CatalogEntryJson() {
    }

    public static ObjectNode toJson(CatalogEntry entry) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("element_id", entry.elementId().value());
        node.put("mode", entry.mode().wireName());
        node.set("attributes", AttributesJson.toJson(entry.attributes()));
        return node;
    }

    /** @throws IllegalArgumentException when a field is missing or malformed */
    public static CatalogEntry fromJson(JsonNode node) {
        return new CatalogEntry(
                StorageElementId.of(node.path("element_id").asText()),
                Mode.parse(node.path("mode").asText()),
                AttributesJson.fromJson(node.get("attributes")));
    }
}
