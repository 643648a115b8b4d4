package io.artstore.ingester.server.http;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.port.in.DeleteFileUseCase;
import io.artstore.ingester.core.port.in.GetFileUseCase;
import io.artstore.ingester.core.port.in.DeletedFile;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.server.audit.Auditor;
import io.artstore.ingester.server.metrics.Metrics;
import io.artstore.ingester.server.metrics.Operation;
import io.artstore.ingester.server.metrics.OperationMetrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Objects;
import java.util.Optional;

/** {@code GET} and {@code DELETE /api/v1/files/{id}}. */
public final class FileRoutes {

    private final GetFileUseCase getFile;
    private final DeleteFileUseCase deleteFile;

    public FileRoutes(GetFileUseCase getFile, DeleteFileUseCase deleteFile) {
        this.getFile = Objects.requireNonNull(getFile, "getFile");
        this.deleteFile = Objects.requireNonNull(deleteFile, "deleteFile");
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/files/{id}", this::get);
        routes.delete("/api/v1/files/{id}", this::delete);
    }

    private void get(Context ctx) {
        FileId fileId = fileId(ctx);
        Json.send(ctx, 200, getFile.find(fileId).map(FileJson::located).orElseThrow(() -> notFound(fileId)));
    }

    private void delete(Context ctx) {
        OperationLog log = OperationLog.start("delete");
        OperationMetrics.Sample metered = Metrics.of(ctx).operations().start(Operation.DELETE);
        String id = ctx.pathParam("id");
        try {
            DeletedFile done = deleteFile.delete(fileId(ctx));
            CatalogEntry deleted = done.entry();
            Json.send(ctx, 200, Json.object()
                    .put("file_id", deleted.fileId().toString())
                    .put("deleted", true)
                    .put("storage_element_id", deleted.elementId().value())
                    .put("saga_id", done.sagaId().toString()));
            log.succeeded(id, deleted.elementId().value(), deleted.attributes().fileSize());
            metered.succeeded(deleted.elementId().value(), deleted.attributes().fileSize());
            Auditor.of(ctx).succeeded(ctx, AuditRecord.DELETE, deleted.fileId(), Optional.of(deleted.elementId()),
                    Optional.of("saga " + done.sagaId()));
        } catch (RuntimeException e) {
            log.failed(Optional.of(id), e);
            metered.failed(Optional.empty(), e);
            Auditor.of(ctx).failed(ctx, AuditRecord.DELETE, parsed(id), Optional.empty(), e);
            throw e;
        }
    }

    private static Optional<FileId> parsed(String id) {
        try {
            return Optional.of(FileId.parse(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static FileId fileId(Context ctx) {
        try {
            return FileId.parse(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_file_id", e.getMessage());
        }
    }

    private static IngestException notFound(FileId fileId) {
        return IngestException.notFound("file_not_found", "no file has the id " + fileId);
    }
}
