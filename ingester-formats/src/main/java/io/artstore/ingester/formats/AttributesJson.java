package io.artstore.ingester.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * ArtStore's {@code attr.json} mapping of {@link FileAttributes}: the contract's keys in the contract's
 * order, timestamps in microseconds with {@code Z}, {@code null} for absent optional values, pretty-printed
 * as Python's {@code json.dumps(indent=2, ensure_ascii=False)} does. The local storage element's files and both
 * catalogues (embedded, Redis) use it, so that an entry keeps the same fields the same way wherever it is kept.
 */
public final class AttributesJson {

    /** ArtStore storage elements refuse larger attribute files. */
    public static final int MAX_BYTES = 4096;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AttributesJson() {}

    /** The instant as {@code attr.json} writes it, e.g. {@code 2025-01-02T15:30:45.123456Z}. */
    public static String timestamp(Instant instant) {
        return MICROS.format(instant);
    }

    /** The precision {@code attr.json} keeps: what is stored must equal what is read back. */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    public static ObjectNode toJson(FileAttributes attributes) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("file_id", attributes.fileId().toString());
        node.put("original_filename", attributes.originalFilename());
        node.put("storage_filename", attributes.storageFilename());
        node.put("file_size", attributes.fileSize());
        node.put("content_type", attributes.contentType());
        node.put("created_at", timestamp(attributes.createdAt()));
        node.put("updated_at", timestamp(attributes.updatedAt()));
        node.put("created_by_id", attributes.createdById());
        node.put("created_by_username", attributes.createdByUsername());
        node.put("created_by_fullname", attributes.createdByFullname().orElse(null));
        node.put("description", attributes.description().orElse(null));
        node.put("version", attributes.version().orElse(null));
        node.put("storage_path", attributes.storagePath());
        node.put("checksum", attributes.checksum().hex());
        node.set("metadata", MAPPER.valueToTree(attributes.metadata()));
        return node;
    }

    /**
     * Reads attributes written by this class or by an ArtStore storage element.
     *
     * @throws IllegalArgumentException when a required field is missing or malformed
     */
    public static FileAttributes fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("attributes must be a JSON object");
        }
        JsonNode metadata = node.path("metadata");
        Map<String, Object> values = metadata.isObject() ? MAPPER.convertValue(metadata, MAP) : Map.of();
        return new FileAttributes(
                FileId.parse(required(node, "file_id")),
                required(node, "original_filename"),
                required(node, "storage_filename"),
                node.path("file_size").asLong(),
                optional(node, "content_type").orElse("application/octet-stream"),
                instant(required(node, "created_at")),
                instant(optional(node, "updated_at").orElse(required(node, "created_at"))),
                optional(node, "created_by_id").orElse(required(node, "created_by_username")),
                required(node, "created_by_username"),
                optional(node, "created_by_fullname"),
                optional(node, "description"),
                optional(node, "version"),
                required(node, "storage_path"),
                Sha256.parse(required(node, "checksum")),
                values);
    }

    /** The pretty-printed UTF-8 text of {@code attr.json}. */
    public static byte[] toBytes(FileAttributes attributes) {
        try {
            return PRETTY.writeValueAsBytes(toJson(attributes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("attributes of file " + attributes.fileId() + " cannot be written as JSON", e);
        }
    }

    /** @throws UncheckedIOException when the text is not JSON; IllegalArgumentException when fields are wrong */
    public static FileAttributes fromBytes(byte[] json) {
        try {
            return fromJson(MAPPER.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("attributes are not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode() || value.isNull()) {
            throw new IllegalArgumentException("attributes lack the field '" + field + "'");
        }
        return value.asText();
    }

    private static Optional<String> optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /** ArtStore writes {@code Z}; Python's {@code isoformat()} writes {@code +00:00} or no offset at all. */
    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 timestamp: '" + text + "'", e);
            }
        }
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        Separators separators = new Separators(Separators.DEFAULT_ROOT_VALUE_SEPARATOR,
                ':', Separators.Spacing.AFTER, ',', Separators.Spacing.NONE, "",
                ',', Separators.Spacing.NONE, "");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }
}
