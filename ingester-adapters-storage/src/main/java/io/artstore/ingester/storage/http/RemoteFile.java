package io.artstore.ingester.storage.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.out.StoreRequest;
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
 * {@code metadata.ingester}: {@code staging} ({@code staged} until published), {@code sidecars} (base64 per
 * suffix), and the file's provenance as the ingester knows it, {@code created_at} and {@code created_by}
 * ({@code id}, {@code username}, {@code fullname}). The SE itself records its own clock and the service
 * account whose token it saw; the provenance keeps the real uploader and time, also across transfers.
 * Callers see the metadata without that bookkeeping.
 *
 * @param metadata the whole metadata object as stored on the SE, bookkeeping included
 * @param metadataReported whether the SE's answer carried the metadata object at all
 */
record RemoteFile(FileAttributes attributes, Map<String, Object> metadata, boolean metadataReported) {

    static final String STAGING = "staging";
    static final String STAGED = "staged";
    static final String PUBLISHED = "published";
    static final String SIDECARS = "sidecars";
    static final String CREATED_AT = "created_at";
    static final String CREATED_BY = "created_by";

    static RemoteFile parse(JsonNode json) {
        Map<String, Object> metadata = Json.toMap(json.get("metadata"));
        Map<String, Object> ingester = ingester(metadata);
        Map<String, Object> createdBy = new LinkedHashMap<>();
        if (ingester.get(CREATED_BY) instanceof Map<?, ?> map) {
            map.forEach((key, value) -> createdBy.put(String.valueOf(key), value));
        }
        String username = stringOf(createdBy.get("username")).or(() -> text(json, "created_by_username")).orElse("unknown");
        Instant seCreatedAt = instant(text(json, "created_at")).orElseThrow(() -> missing("created_at"));
        Instant createdAt = instant(stringOf(ingester.get(CREATED_AT))).orElse(seCreatedAt);
        FileAttributes attributes = new FileAttributes(
                FileId.parse(text(json, "file_id").orElseThrow(() -> missing("file_id"))),
                text(json, "original_filename").orElseThrow(() -> missing("original_filename")),
                text(json, "storage_filename").orElseThrow(() -> missing("storage_filename")),
                json.path("file_size").asLong(0),
                text(json, "content_type").orElse("application/octet-stream"),
                createdAt,
                // The SE's metadata answer has no updated_at; the creation time stands in for it.
                instant(text(json, "updated_at")).orElse(createdAt),
                stringOf(createdBy.get("id")).or(() -> text(json, "created_by_id")).orElse(username),
                username,
                createdBy.isEmpty() ? text(json, "created_by_fullname") : stringOf(createdBy.get("fullname")),
                text(json, "description"),
                text(json, "version"),
                text(json, "storage_path").orElse(""),
                Sha256.parse(text(json, "checksum").orElseThrow(() -> missing("checksum"))),
                visible(metadata));
        JsonNode reported = json.get("metadata");
        return new RemoteFile(attributes, metadata, reported != null && reported.isObject());
    }

    /** The caller's metadata with the provenance of {@code request}, and the staging mark when staged. */
    static Map<String, Object> forUpload(Map<String, Object> metadata, StoreRequest request, boolean staged) {
        Map<String, Object> copy = new LinkedHashMap<>(metadata);
        Map<String, Object> ingester = new LinkedHashMap<>(ingester(copy));
        Map<String, Object> createdBy = new LinkedHashMap<>();
        createdBy.put("id", request.uploader().id());
        createdBy.put("username", request.uploader().username());
        request.uploader().fullname().ifPresent(fullname -> createdBy.put("fullname", fullname));
        ingester.put(CREATED_BY, createdBy);
        ingester.put(CREATED_AT, request.createdAt().toString());
        if (staged) {
            ingester.put(STAGING, STAGED);
        }
        copy.put(StoredContent.METADATA_KEY, ingester);
        return copy;
    }

    boolean staged() {
        return STAGED.equals(ingester(metadata).get(STAGING));
    }

    /**
     * Whether this is an upload whose metadata write never came, e.g. because the process died between the two:
     * the SE reports the metadata, and it lacks the provenance that the adapter writes with every upload.
     */
    boolean unconfirmed() {
        return metadataReported && !ingester(metadata).containsKey(CREATED_AT);
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
        if (ingester.isEmpty()) {
            copy.remove(StoredContent.METADATA_KEY);
        } else {
            copy.put(StoredContent.METADATA_KEY, ingester);
        }
        return copy;
    }

    /** This file's metadata marked as published. */
    Map<String, Object> published() {
        Map<String, Object> copy = new LinkedHashMap<>(metadata);
        Map<String, Object> ingester = new LinkedHashMap<>(ingester(copy));
        ingester.put(STAGING, PUBLISHED);
        copy.put(StoredContent.METADATA_KEY, ingester);
        return copy;
    }

    /** The metadata as callers gave it: without the adapter's bookkeeping. */
    static Map<String, Object> visible(Map<String, Object> metadata) {
        if (!(metadata.get(StoredContent.METADATA_KEY) instanceof Map<?, ?>)) {
            return metadata;
        }
        Map<String, Object> copy = new LinkedHashMap<>(metadata);
        Map<String, Object> ingester = new LinkedHashMap<>(ingester(copy));
        ingester.remove(STAGING);
        ingester.remove(SIDECARS);
        ingester.remove(CREATED_AT);
        ingester.remove(CREATED_BY);
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

    private static Optional<String> stringOf(Object value) {
        return value instanceof String text ? Optional.of(text) : Optional.empty();
    }

    /** ISO-8601 with {@code Z}, with an offset, or (as Python writes naive UTC) with neither. */
    private static Optional<Instant> instant(Optional<String> text) {
        return text.map(value -> {
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
