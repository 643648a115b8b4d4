package io.artstore.ingester.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.DetachedSignature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The JSON views of files: what an upload answers and what a look-up answers, under the same field names. */
final class FileJson {

    private FileJson() {}

    static ObjectNode added(AddedFile added) {
        FileAttributes attributes = added.entry().attributes();
        ObjectNode json = common(attributes, added.content());
        json.put("uploaded_at", attributes.createdAt().toString());
        json.put("storage_element_id", added.entry().elementId().value());
        json.put("storage_element_url", added.element().location());
        json.put("mode", added.entry().mode().wireName());
        json.put("retention_policy", added.retention().wireName());
        json.put("ttl_expires_at", added.ttlExpiresAt().map(Object::toString).orElse(null));
        json.set("signature", added.signature().map(signature -> (JsonNode) Json.object()
                .put("algorithm", signature.algorithm().wireName())
                .put("certificate_fingerprint", signature.certificateFingerprint())
                .put("signed_at", signature.signedAt().toString())
                .put("file", added.signatureFile().orElseThrow())).orElse(NullNode.getInstance()));
        json.put("saga_id", added.sagaId().value());
        // Work left to background tasks: the stored file is as uploaded until they have run.
        added.deferred().compression().ifPresent(algorithm -> ((ObjectNode) json.get("compression"))
                .put("requested", algorithm.wireName()).put("applied", "pending").put("algorithm", algorithm.wireName()));
        if (added.deferred().sign()) {
            json.set("signature", Json.object().put("status", "pending"));
        }
        return json;
    }

    static ObjectNode located(FileLocation location) {
        FileAttributes attributes = location.entry().attributes();
        ObjectNode json = common(attributes, attributes.content());
        json.put("uploaded_at", attributes.createdAt().toString());
        json.put("storage_element_id", location.entry().elementId().value());
        json.put("storage_element_url", location.element().location());
        json.put("mode", location.entry().mode().wireName());
        json.put("retention_policy", location.retention().wireName());
        json.put("ttl_expires_at", ingesterField(attributes, "ttl_expires_at").orElse(null));
        json.set("signature", signatureOf(attributes).orElse(NullNode.getInstance()));
        json.put("description", attributes.description().orElse(null));
        json.put("version", attributes.version().orElse(null));
        json.put("content_type", attributes.contentType());
        json.set("metadata", Json.MAPPER.valueToTree(clientMetadata(attributes)));
        json.put("storage_path", attributes.storagePath());
        json.put("created_by_username", attributes.createdByUsername());
        return json;
    }

    private static ObjectNode common(FileAttributes attributes, StoredContent content) {
        ObjectNode json = Json.object();
        json.put("file_id", attributes.fileId().toString());
        json.put("original_filename", attributes.originalFilename());
        json.put("storage_filename", attributes.storageFilename());
        json.put("file_size", content.originalSize());
        json.put("stored_size", content.storedSize());
        json.put("compressed", content.compressed());
        json.put("compression_algorithm", content.compression().map(algorithm -> algorithm.wireName()).orElse(null));
        json.put("compression_ratio", Math.round(content.compressionRatio() * 10_000) / 10_000.0);
        // What was asked and what was done: data that does not compress is stored as it is.
        json.putObject("compression")
                .put("requested", content.requestedCompression().map(algorithm -> algorithm.wireName()).orElse("none"))
                .put("applied", content.compression().map(algorithm -> algorithm.wireName()).orElse("none"))
                .put("reason", content.compressionSkipped().orElse(null));
        json.put("checksum", content.originalChecksum().hex());
        json.put("stored_checksum", content.storedChecksum().hex());
        json.put("encrypted", ContentEncryption.encrypted(attributes.metadata()));
        return json;
    }

    /** The client's own metadata; the ingester's section is shown as the fields above instead. */
    private static Map<String, Object> clientMetadata(FileAttributes attributes) {
        Map<String, Object> metadata = new LinkedHashMap<>(attributes.metadata());
        metadata.remove(StoredContent.METADATA_KEY);
        return metadata;
    }

    /** The signature named in the file's metadata, and the file beside it that holds it. */
    private static Optional<JsonNode> signatureOf(FileAttributes attributes) {
        if (attributes.metadata().get(StoredContent.METADATA_KEY) instanceof Map<?, ?> section
                && section.get("signature") instanceof Map<?, ?> signature) {
            ObjectNode json = Json.MAPPER.valueToTree(signature);
            json.put("file", attributes.storageFilename() + DetachedSignature.SIDECAR_SUFFIX);
            return Optional.of(json);
        }
        return Optional.empty();
    }

    private static Optional<String> ingesterField(FileAttributes attributes, String name) {
        return attributes.metadata().get(StoredContent.METADATA_KEY) instanceof Map<?, ?> section
                && section.get(name) instanceof String value ? Optional.of(value) : Optional.empty();
    }
}
