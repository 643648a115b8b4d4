package io.artstore.ingester.core.testing;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.port.out.StoreRequest;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Test data: a valid {@link StoreRequest} with a fresh file id; change only what a test is about. */
public final class StoreRequestBuilder {

    /** Has microseconds, the precision {@code attr.json} keeps. */
    public static final Instant CREATED_AT = Instant.parse("2025-01-02T15:30:45.123456Z");

    private FileId fileId = FileId.random();
    private String originalFilename = "report.pdf";
    private String contentType = "application/pdf";
    private Uploader uploader = new Uploader("user-42", "alice", Optional.of("Alice Martin"));
    private Optional<String> description = Optional.empty();
    private Optional<String> version = Optional.empty();
    private Instant createdAt = CREATED_AT;
    private Supplier<Map<String, Object>> metadata = Map::of;

    private StoreRequestBuilder() {}

    public static StoreRequestBuilder aStoreRequest() {
        return new StoreRequestBuilder();
    }

    public StoreRequestBuilder fileId(FileId value) {
        this.fileId = value;
        return this;
    }

    public StoreRequestBuilder originalFilename(String value) {
        this.originalFilename = value;
        return this;
    }

    public StoreRequestBuilder contentType(String value) {
        this.contentType = value;
        return this;
    }

    public StoreRequestBuilder uploader(Uploader value) {
        this.uploader = value;
        return this;
    }

    public StoreRequestBuilder description(String value) {
        this.description = Optional.of(value);
        return this;
    }

    public StoreRequestBuilder version(String value) {
        this.version = Optional.of(value);
        return this;
    }

    public StoreRequestBuilder createdAt(Instant value) {
        this.createdAt = value;
        return this;
    }

    public StoreRequestBuilder metadata(Map<String, Object> value) {
        Map<String, Object> copy = Collections.unmodifiableMap(new LinkedHashMap<>(value));
        this.metadata = () -> copy;
        return this;
    }

    /** For metadata that depends on what the stream carried, as the ingester's does. */
    public StoreRequestBuilder metadata(Supplier<Map<String, Object>> value) {
        this.metadata = value;
        return this;
    }

    public StoreRequest build() {
        return new StoreRequest(fileId, originalFilename, contentType, uploader, description, version, createdAt, metadata);
    }
}
