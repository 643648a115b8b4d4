package io.artstore.ingester.storage.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A file as the SE describes it ({@code GET /api/v1/files/{id}}), with the adapter's own bookkeeping inside
 * {@code metadata.ingester}: {@code staging} ({@code staged} until published) and {@code sidecars} (base64 per
 * suffix). Callers see the metadata without that bookkeeping.
 *
 * @param metadata the whole metadata object as stored on the SE, bookkeeping included
 */
record RemoteFile(FileAttributes attributes, Map<String, Object> metadata) {

    static final String STAGING = "staging";
    static final String STAGED = "staged";
    static final String PUBLISHED = "published";
    static final String SIDECARS = "sidecars";

    static RemoteFile parse(JsonNode json) {
        Map<String, Object> metadata = Json.toMap(json.get("metadata"));
        String username = text(json, "created_by_username").orElse("unknown");
        Instant createdAt = instant(json, "created_at").orElseThrow(() -> missing("created_at"));
        FileAttributes attributes = new FileAttributes(
                FileId.parse(text(json, "file_id").orElseThrow(() -> missing("file_id"))),
                text(json, "original_filename").orElseThrow(() -> missing("original_filename")),
                text(json, "storage_filename").orElseThrow(() -> missing("storage_filename")),
                json.path("file_size").asLong(0),
                text(json, "content_type").orElse("application/octet-stream"),
                createdAt,
                // The SE's metadata answer has neither updated_at nor created_by_id; fall back to what it has.
                instant(json, "updated_at").orElse(createdAt),
                text(json, "created_by_id").orElse(username),
                username,
                text(json, "created_by_fullname"),
                text(json, "description"),
                text(json, "version"),
                text(json, "storage_path").orElse(""),
                Sha256.parse(text(json, "checksum").orElseThrow(() -> missing("checksum"))),
                visible(metadata));
        return new RemoteFile(attributes, metadata);
    }

    boolean staged() {
        return STAGED.equals(ingester(metadata).get(STAGING));
    }

    Optional<byte[]> sidecar(String suffix) {
        Object sidecars = ingester(metadata).get(SIDECARS);
        if (sidecars instanceof Map<?, ?> map && map.get(suffix) instanceof String base64) {
            return Optional.of(Base64.getDecoder().decode(base64));
        }
        return Optional.empty();
    }

    /** This file's metadata with the sidecar set, or removed when {@code content} is empty. */
    Map<String, Object> withSidecar(String suffix, Optional<byte[]> content) {
        Map<String, Object> copy = new LinkedHashMap<>(metadata);
        Map<String, Object> ingester = new LinkedHashMap<>(ingester(copy));
        Map<String, Object> sidecars = new LinkedHashMap<>();
        if (ingester.get(SIDECARS) instanceof Map<?, ?> existing) {
            existing.forEach((key, value) -> sidecars.put(String.valueOf(key), value));
        }
        content.ifPresentOrElse(bytes -> sidecars.put(suffix, Base64.getEncoder().encodeToString(bytes)),
                () -> sidecars.remove(suffix));
        if (sidecars.isEmpty()) {
            ingester.remove(SIDECARS);
        } else {
            ingester.put(SIDECARS, sidecars);
        }
        copy.put(StoredContent.METADATA_KEY, ingester);
        return copy;
    }

    /** This file's metadata marked as published. */
    Map<String, Object> published() {
        return withStaging(metadata, PUBLISHED);
    }

    /** {@code metadata} with the staging mark set to {@code state}. */
    static Map<String, Object> withStaging(Map<String, Object> metadata, String state) {
        Map<String, Object> copy = new LinkedHashMap<>(metadata);
        Map<String, Object> ingester = new LinkedHashMap<>(ingester(copy));
        ingester.put(STAGING, state);
        copy.put(StoredContent.METADATA_KEY, ingester);
        return copy;
    }

    /** The metadata as callers gave it: without the staging mark and the sidecars. */
    static Map<String, Object> visible(Map<String, Object> metadata) {
        if (!(metadata.get(StoredContent.METADATA_KEY) instanceof Map<?, ?>)) {
            return metadata;
        }
        Map<String, Object> copy = new LinkedHashMap<>(metadata);
        Map<String, Object> ingester = new LinkedHashMap<>(ingester(copy));
        ingester.remove(STAGING);
        ingester.remove(SIDECARS);
        if (ingester.isEmpty()) {
            copy.remove(StoredContent.METADATA_KEY);
        } else {
            copy.put(StoredContent.METADATA_KEY, ingester);
        }
        return copy;
    }

    private static Map<String, Object> ingester(Map<String, Object> metadata) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (metadata.get(StoredContent.METADATA_KEY) instanceof Map<?, ?> map) {
            map.forEach((key, value) -> fields.put(String.valueOf(key), value));
        }
        return fields;
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    /** ISO-8601 with {@code Z}, with an offset, or (as Python writes naive UTC) with neither. */
    private static Optional<Instant> instant(JsonNode json, String field) {
        return text(json, field).map(value -> {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            }
        });
    }

    private static IllegalArgumentException missing(String field) {
        return new IllegalArgumentException("the storage element's file metadata has no '" + field + "'");
    }
}
