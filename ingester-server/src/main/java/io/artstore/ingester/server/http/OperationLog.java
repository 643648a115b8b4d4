package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.IngestException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/** One structured line per operation, its fields as key-value pairs so that JSON logs carry them as fields. */
final class OperationLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.artstore.ingester.operations");

    private final String operation;
    private final long startedNanos = System.nanoTime();

    private OperationLog(String operation) {
        this.operation = operation;
    }

    static OperationLog start(String operation) {
        return new OperationLog(operation);
    }

    void succeeded(String fileId, String elementId, long bytes) {
        base(LOG.atInfo())
                .addKeyValue("file_id", fileId)
                .addKeyValue("storage_element", elementId)
                .addKeyValue("bytes", bytes)
                .addKeyValue("duration_ms", elapsedMillis())
                .addKeyValue("outcome", "ok")
                .log();
    }

    /** @param fileId the file concerned, when the request named one */
    void failed(Optional<String> fileId, RuntimeException error) {
        IngestException failure = error instanceof IngestException ingest ? ingest
                : new IngestException(IngestException.Kind.INTERNAL, "internal_error", String.valueOf(error.getMessage()), error);
        LoggingEventBuilder builder = base(failure.kind() == IngestException.Kind.INTERNAL ? LOG.atError() : LOG.atInfo());
        fileId.ifPresent(id -> builder.addKeyValue("file_id", id));
        builder.addKeyValue("duration_ms", elapsedMillis())
                .addKeyValue("outcome", failure.code())
                .addKeyValue("reason", failure.getMessage())
                .log();
    }

    private LoggingEventBuilder base(LoggingEventBuilder builder) {
        return builder.setMessage(operation).addKeyValue("operation", operation);
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
