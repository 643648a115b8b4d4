package io.artstore.ingester.storage.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * A file as the SE describes it ({@code GET /api/v1/files/{id}}, or the answer to a PATCH). The SE never reports
 * the file's {@code metadata}, so the attributes carry none; it records its own clock and the account whose token
 * it saw as the creator.
 */
record RemoteFile(FileAttributes attributes) {

    static RemoteFile parse(JsonNode json) {
        String username = text(json, "created_by_username").orElse("unknown");
        Instant createdAt = instant(text(json, "created_at")).orElseThrow(() -> missing("created_at"));
        return new RemoteFile(new FileAttributes(
                FileId.parse(text(json, "file_id").orElseThrow(() -> missing("file_id"))),
                text(json, "original_filename").orElseThrow(() -> missing("original_filename")),
                text(json, "storage_filename").orElseThrow(() -> missing("storage_filename")),
                json.path("file_size").asLong(0),
                text(json, "content_type").orElse("application/octet-stream"),
                createdAt,
                // The SE's metadata answer has no updated_at; the creation time stands in for it.
                instant(text(json, "updated_at")).orElse(createdAt),
                text(json, "created_by_id").orElse(username),
                username,
                text(json, "created_by_fullname"),
                text(json, "description"),
                text(json, "version"),
                text(json, "storage_path").orElse(""),
                Sha256.parse(text(json, "checksum").orElseThrow(() -> missing("checksum"))),
                Map.of()));
    }

    /**
     * The file as the ingester records it after uploading it: where the SE put it and what it stored, with the
     * request's uploader, time and texts and the metadata written.
     */
    static FileAttributes asUploaded(RemoteFile file, StoreRequest request, Map<String, Object> metadata) {
        FileAttributes se = file.attributes();
        return new FileAttributes(se.fileId(), se.originalFilename(), se.storageFilename(), se.fileSize(),
                request.contentType(), request.createdAt(), request.createdAt(), request.uploader().id(),
                request.uploader().username(), request.uploader().fullname(), request.description(), request.version(),
                se.storagePath(), se.checksum(), metadata);
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
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
