package io.artstore.ingester.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.RegisteredFile;
import io.artstore.ingester.core.service.ConcurrentOperationGuard;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransferStatus;
import io.artstore.ingester.server.audit.Auditor;
import io.artstore.ingester.server.metrics.Metrics;
import io.artstore.ingester.server.metrics.Operation;
import io.artstore.ingester.server.metrics.OperationMetrics;
import io.artstore.ingester.server.transfer.TransferRunner;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Transfers edit → rw: {@code POST /api/v1/files/{id}/transfer} starts one and answers 202 at once,
 * {@code GET /api/v1/transfers/{tx}} tells where it stands. {@code POST /api/v1/finalize/{file_id}} and
 * {@code GET /api/v1/finalize/{tx}/status} are the same with the ArtStore ingester's fields and status words
 * (see {@code docs/artstore-compatibility.md}).
 */
public final class TransferRoutes {

    private static final String TARGET_FIELD = "target_storage_element_id";
    /** Fields the ArtStore ingester's finalize request has and this one does not act on: accepted only as null. */
    private static final Set<String> FINALIZE_IGNORABLE = Set.of("description", "metadata");
    /** The progress a transfer reports once its copy is staged on the target (see {@link TransferStatus}). */
    private static final int STAGED_PROGRESS = 40;

    private final TransferRunner transfers;
    private final ConcurrentOperationGuard guard;
    private final FileCatalog catalog;
    private final FileRegistry registry;

    /**
     * @param catalog read by finalize to tell whether the registry must be asked
     * @param registry asked by finalize about a file the catalogue does not know
     */
    public TransferRoutes(TransferRunner transfers, ConcurrentOperationGuard guard, FileCatalog catalog,
            FileRegistry registry) {
        this.transfers = Objects.requireNonNull(transfers, "transfers");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/files/{id}/transfer", this::transfer);
        routes.get("/api/v1/transfers/{tx}", ctx -> Json.send(ctx, 200, statusJson(transfers.status(transactionId(ctx)))));
        routes.post("/api/v1/finalize/{id}", this::finalize);
        routes.get("/api/v1/finalize/{tx}/status", ctx -> Json.send(ctx, 200, finalizeStatusJson(transfers.status(transactionId(ctx)))));
    }

    private void transfer(Context ctx) {
        TransferStatus started = start(ctx, Set.of());
        ObjectNode json = Json.object()
                .put("transaction_id", started.transactionId().toString())
                .put("file_id", started.fileId().toString())
                .put("status", started.state().wireName())
                .put("source_storage_element_id", started.source().value())
                .put("target_storage_element_id", started.target().value())
                .put("created_at", started.startedAt().toString());
        Json.send(ctx, 202, json);
    }

    /** Answers at once, while the transfer runs: {@code finalized_at} and {@code new_storage_path} are null until then. */
    private void finalize(Context ctx) {
        TransferStatus started;
        try {
            refuseIfRegisteredPermanent(fileId(ctx));
            started = start(ctx, FINALIZE_IGNORABLE);
        } catch (IngestException e) {
            if (e.kind() == IngestException.Kind.NOT_FOUND) {
                throw IngestException.notFound("file_not_in_catalogue", "file " + ctx.pathParam("id") + " is not in this"
                        + " ingester's catalogue; only files uploaded through an ingester sharing this catalogue can be"
                        + " finalized here");
            }
            throw e;
        }
        ObjectNode json = Json.object()
                .put("transaction_id", started.transactionId().toString())
                .put("file_id", started.fileId().toString())
                .put("status", finalizeStatus(started))
                .put("source_storage_element_id", started.source().value())
                .put("target_storage_element_id", started.target().value())
                .put("checksum_verified", started.checksumVerified())
                .putNull("finalized_at")
                .putNull("new_storage_path")
                .putNull("cleanup_scheduled_at")
                .put("error_message", started.error().orElse(null))
                .put("message", "transfer of file " + started.fileId() + " from " + started.source().value() + " to "
                        + started.target().value() + " started; follow it at /api/v1/finalize/" + started.transactionId()
                        + "/status");
        Json.send(ctx, 202, json);
    }

    /**
     * A file the catalogue does not know may have been finalized elsewhere (the ArtStore ingester leaves the
     * {@code edit} copy for the GC): the registry's word decides, so that such a copy is not moved a second time.
     * A {@code temporary} entry, or none, lets the storage elements be asked as for any file.
     */
    private void refuseIfRegisteredPermanent(FileId fileId) {
        if (catalog.find(fileId).isPresent()) {
            return;
        }
        Optional<RegisteredFile> registered = registry.find(fileId);
        if (registered.isPresent() && registered.get().retention() == RetentionPolicy.PERMANENT) {
            RegisteredFile entry = registered.get();
            throw IngestException.conflict("wrong_mode", "the file registry has file " + fileId + " as permanent on"
                    + " storage element " + entry.elementId().value() + entry.finalizedAt().map(at -> ", finalized at "
                    + at).orElse("") + "; only temporary files can be finalized");
        }
    }

    /**
     * The ArtStore ingester's status words for a transfer's state: {@code copying} until the copy is staged on the
     * target, {@code copied} until the target has compared its checksum, {@code verifying} while the commit is
     * decided and carried out, then {@code completed}; {@code failed} while aborting or when an operator must look,
     * {@code rolled_back} once aborted.
     */
    static String finalizeStatus(TransferStatus status) {
        return switch (status.state()) {
            case PREPARING -> status.progressPercent() < STAGED_PROGRESS ? "copying" : "copied";
            case PREPARED, COMMITTING -> "verifying";
            case COMMITTED -> "completed";
            case ABORTING, HEURISTIC -> "failed";
            case ABORTED -> "rolled_back";
        };
    }

    private TransferStatus start(Context ctx, Set<String> ignorable) {
        // A refused start is logged here; a started transfer when it ends.
        OperationLog log = OperationLog.start("transfer");
        OperationMetrics.Sample metered = Metrics.of(ctx).operations().start(Operation.TRANSFER);
        try {
            FileId fileId = fileId(ctx);
            Optional<StorageElementId> target = target(ctx, ignorable);
            guard.check(fileId, VectorClockHeader.clientClock(ctx));
            TransferStatus started = transfers.submit(fileId, target, VectorClockHeader.requestClock(ctx));
            ctx.header("Location", "/api/v1/transfers/" + started.transactionId());
            Auditor.of(ctx).succeeded(ctx, AuditRecord.TRANSFER, fileId, Optional.of(started.target()),
                    Optional.of("transfer " + started.transactionId() + " started from " + started.source().value()));
            metered.succeeded(started.target().value(), 0);
            return started;
        } catch (RuntimeException e) {
            log.failed(Optional.of(ctx.pathParam("id")), e);
            metered.failed(Optional.empty(), e);
            Auditor.of(ctx).failed(ctx, AuditRecord.TRANSFER, parsedFileId(ctx), Optional.empty(), e);
            throw e;
        }
    }

    private static Optional<FileId> parsedFileId(Context ctx) {
        try {
            return Optional.of(FileId.parse(ctx.pathParam("id")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static ObjectNode statusJson(TransferStatus status) {
        return Json.object()
                .put("transaction_id", status.transactionId().toString())
                .put("file_id", status.fileId().toString())
                .put("status", status.state().wireName())
                .put("source_storage_element_id", status.source().value())
                .put("target_storage_element_id", status.target().value())
                .put("progress_percent", status.progressPercent())
                .put("checksum_verified", status.checksumVerified())
                .put("created_at", status.startedAt().toString())
                .put("updated_at", status.updatedAt().toString())
                .put("completed_at", status.finishedAt().map(Instant::toString).orElse(null))
                .put("error", status.error().orElse(null));
    }

    /**
     * The ArtStore ingester's fields, then this ingester's own: {@code state} (the transfer's exact state),
     * the elements and {@code checksum_verified}. A failed or rolled-back finalization shows 0 percent, as there.
     */
    static ObjectNode finalizeStatusJson(TransferStatus status) {
        String word = finalizeStatus(status);
        boolean failed = word.equals("failed") || word.equals("rolled_back");
        return Json.object()
                .put("transaction_id", status.transactionId().toString())
                .put("file_id", status.fileId().toString())
                .put("status", word)
                .put("progress_percent", failed ? 0.0 : (double) status.progressPercent())
                .put("created_at", status.startedAt().toString())
                .put("completed_at", status.finishedAt().map(Instant::toString).orElse(null))
                .put("error_message", status.error().orElse(null))
                .put("state", status.state().wireName())
                .put("source_storage_element_id", status.source().value())
                .put("target_storage_element_id", status.target().value())
                .put("checksum_verified", status.checksumVerified());
    }

    /**
     * The optional JSON body {@code {"target_storage_element_id": "..."}}; an empty body lets the ingester choose.
     *
     * @param ignorable fields accepted when null, refused otherwise
     */
    private static Optional<StorageElementId> target(Context ctx, Set<String> ignorable) {
        String body = ctx.body();
        if (body.isBlank()) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw IngestException.invalid("invalid_body", "the body must be a JSON object such as {\"" + TARGET_FIELD
                    + "\": \"local-rw\"}, or empty: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw IngestException.invalid("invalid_body", "the body must be a JSON object such as {\"" + TARGET_FIELD
                    + "\": \"local-rw\"}, or empty");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (ignorable.contains(name)) {
                if (!json.get(name).isNull()) {
                    throw IngestException.invalid("unsupported_field", "this ingester does not change a file's " + name
                            + " when it finalizes it; send the request without '" + name + "' (or with null)");
                }
                continue;
            }
            if (!name.equals(TARGET_FIELD)) {
                throw IngestException.invalid("unknown_field", "the body has an unknown field '" + name + "'; the only one is "
                        + TARGET_FIELD + (ignorable.isEmpty() ? "" : " (and " + String.join(", ", new TreeSet<>(ignorable))
                                + " as null)"));
            }
        }
        JsonNode target = json.get(TARGET_FIELD);
        if (target == null || target.isNull()) {
            return Optional.empty();
        }
        if (!target.isTextual()) {
            throw IngestException.invalid("invalid_storage_element_id", TARGET_FIELD + " must be a string");
        }
        try {
            return Optional.of(StorageElementId.of(target.asText()));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_storage_element_id", e.getMessage());
        }
    }

    private static FileId fileId(Context ctx) {
        try {
            return FileId.parse(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_file_id", e.getMessage());
        }
    }

    private static TransactionId transactionId(Context ctx) {
        try {
            return TransactionId.parse(ctx.pathParam("tx"));
        } catch (IllegalArgumentException e) {
            throw IngestException.invalid("invalid_transaction_id", e.getMessage());
        }
    }
}
