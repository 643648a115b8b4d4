package io.artstore.ingester.core.tasks;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaResult;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code compress_file} ({@code file_id}, {@code algorithm}): compresses a file stored uncompressed by running the
 * {@link CompressFileSaga}. A second delivery finds the catalogue saying the file is compressed (or incompressible)
 * and does nothing; one that comes while an interrupted saga of the file still holds its lock is run again later,
 * once recovery has finished that saga.
 */
public final class CompressFile implements TaskHandler {

    public static final String TYPE = "compress_file";
    public static final String FILE_ID = "file_id";
    public static final String ALGORITHM = "algorithm";

    private final FileCatalog catalog;
    private final CompressFileSaga saga;
    private final SagaOrchestrator orchestrator;

    public CompressFile(FileCatalog catalog, CompressFileSaga saga, SagaOrchestrator orchestrator) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.saga = Objects.requireNonNull(saga, "saga");
        this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TaskReport run(Task task) {
        FileId fileId = argument(task, FILE_ID, FileId::parse);
        CompressionAlgorithm algorithm = argument(task, ALGORITHM, CompressionAlgorithm::parse);
        Optional<CatalogEntry> entry = catalog.find(fileId);
        if (entry.isEmpty()) {
            return new TaskReport(Map.of("file_id", fileId.toString(), "outcome", "file_gone"));
        }
        StoredContent content = entry.get().attributes().content();
        if (content.requestedCompression().isPresent()) {
            return report(fileId, content, "done_before");
        }
        if (!entry.get().mode().allowsDelete()) {
            throw IngestException.conflict("wrong_mode", "file " + fileId + " is on storage element " + entry.get().elementId()
                    + " in mode '" + entry.get().mode().wireName() + "', whose files are written once; it stays uncompressed");
        }
        SagaResult<CompressFileSaga.Data> result = orchestrator.run(saga.definition(), SagaId.random(),
                CompressFileSaga.Data.start(entry.get(), algorithm));
        return switch (result.state()) {
            case COMPLETED -> report(fileId, catalog.find(fileId).map(found -> found.attributes().content()).orElse(content),
                    "compressed");
            case COMPENSATED, FAILED_COMPENSATION -> throw failure(result);
            case RUNNING, COMPENSATING -> throw new IngestException(Kind.UNAVAILABLE, "saga_pending", "the compression of file "
                    + fileId + " is being finished in the background (saga " + result.sagaId() + ")");
        };
    }

    /** A file locked by another operation (or an interrupted saga) is tried again later; other refusals are final. */
    private static IngestException failure(SagaResult<CompressFileSaga.Data> result) {
        Optional<Exception> cause = result.cause();
        if (cause.isPresent() && cause.get() instanceof IngestException ingest) {
            return ingest.code().equals("file_locked")
                    ? new IngestException(Kind.UNAVAILABLE, "file_locked", ingest.getMessage(), ingest)
                    : ingest;
        }
        return new IngestException(Kind.INTERNAL, "compression_failed", "the compression of file " + result.data().fileId()
                + " was undone (saga " + result.sagaId() + "): " + result.failure().map(f -> f.message()).orElse("no reason logged"),
                cause.orElse(null));
    }

    private static TaskReport report(FileId fileId, StoredContent content, String outcome) {
        return new TaskReport(Map.of("file_id", fileId.toString(), "outcome",
                content.compressionSkipped().map(reason -> outcome + "_" + reason).orElse(outcome),
                "original_size", content.originalSize(), "stored_size", content.storedSize()));
    }

    static <T> T argument(Task task, String name, java.util.function.Function<String, T> parser) {
        String text = Optional.ofNullable(task.arguments().get(name)).orElseThrow(() -> IngestException.invalid(
                "invalid_task", "a " + task.type() + " task needs the argument " + name));
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_task", "argument " + name + " of a " + task.type() + " task: " + e.getMessage());
        }
    }
}
