package io.artstore.ingester.core.service;

import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.domain.Caller;
import io.artstore.ingester.core.pipeline.ContentPipeline;
import io.artstore.ingester.core.pipeline.MagicBytes;
import io.artstore.ingester.core.pipeline.SniffingInputStream;
import io.artstore.ingester.core.pipeline.SigningInputStream;
import io.artstore.ingester.core.pipeline.TimedInputStream;
import io.artstore.ingester.core.port.in.AddFileCommand;
import io.artstore.ingester.core.port.in.AddFileUseCase;
import io.artstore.ingester.core.port.in.AddedFile;
import io.artstore.ingester.core.port.in.DeferredWork;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.port.out.TaskQueue;
import io.artstore.ingester.core.tasks.CompressFile;
import io.artstore.ingester.core.tasks.SignFile;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.Codec;
import io.artstore.ingester.core.port.out.ContentEncryption;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.FileRegistration;
import io.artstore.ingester.core.port.out.SecurityAlert;
import io.artstore.ingester.core.port.out.SecurityAlerts;
import io.artstore.ingester.core.port.out.Signer;
import io.artstore.ingester.core.port.out.Signing;
import io.artstore.ingester.core.port.out.StageTiming;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.port.out.Tracing;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaOrchestrator;
import io.artstore.ingester.core.saga.SagaResult;
import io.artstore.ingester.core.port.in.StagedBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Adds a file by running the {@link AddFileSaga}: the file is wholly stored, signed if asked, catalogued and
 * announced, or nothing of it remains.
 *
 * <p>A signature covers the original bytes: the client stream passes a {@link SigningInputStream} before it
 * is compressed. The signature is made when the stream ends, inside the metadata supplier of the
 * {@link StoreRequest}, which the storage element calls only after draining the stream; so the signature's
 * algorithm, certificate fingerprint and time go into {@code attr.json} ({@code metadata.ingester.signature}),
 * and the signature itself is written beside the file once it is stored.
 */
public final class AddFileService implements AddFileUseCase {

    /** How long a temporary file is kept when the request does not say. */
    public static final int DEFAULT_TTL_DAYS = 30;

    private final StorageElementSelector selector;
    private final AddFileSaga saga;
    private final SagaOrchestrator orchestrator;
    private final Map<CompressionAlgorithm, Codec> codecs;
    private final Optional<Signer> signer;
    private final Clock clock;
    private final long maxFileBytes;
    private final Optional<ContentEncryption> encryption;
    private final SecurityAlerts alerts;
    private final Tracing tracing;
    private final Optional<TaskQueue> tasks;

    public AddFileService(StorageElementSelector selector, AddFileSaga saga, SagaOrchestrator orchestrator,
            Map<CompressionAlgorithm, Codec> codecs, Optional<Signer> signer, Clock clock, long maxFileBytes) {
        this(selector, saga, orchestrator, codecs, signer, clock, maxFileBytes, Optional.empty(), SecurityAlerts.none());
    }

    /**
     * @param encryption how stored content is encrypted, when it is: each file gets its own data key
     * @param alerts told of uploads whose content is a program disguised by its name
     */
    public AddFileService(StorageElementSelector selector, AddFileSaga saga, SagaOrchestrator orchestrator,
            Map<CompressionAlgorithm, Codec> codecs, Optional<Signer> signer, Clock clock, long maxFileBytes,
            Optional<ContentEncryption> encryption, SecurityAlerts alerts) {
        this(selector, saga, orchestrator, codecs, signer, clock, maxFileBytes, encryption, alerts, Tracing.NONE);
    }

    /** @param tracing told of the upload's span and of the time each stage of its pipeline took */
    public AddFileService(StorageElementSelector selector, AddFileSaga saga, SagaOrchestrator orchestrator,
            Map<CompressionAlgorithm, Codec> codecs, Optional<Signer> signer, Clock clock, long maxFileBytes,
            Optional<ContentEncryption> encryption, SecurityAlerts alerts, Tracing tracing) {
        this(selector, saga, orchestrator, codecs, signer, clock, maxFileBytes, encryption, alerts, tracing, Optional.empty());
    }

    private AddFileService(StorageElementSelector selector, AddFileSaga saga, SagaOrchestrator orchestrator,
            Map<CompressionAlgorithm, Codec> codecs, Optional<Signer> signer, Clock clock, long maxFileBytes,
            Optional<ContentEncryption> encryption, SecurityAlerts alerts, Tracing tracing, Optional<TaskQueue> tasks) {
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.encryption = Objects.requireNonNull(encryption, "encryption");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.saga = Objects.requireNonNull(saga, "saga");
        this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
        this.codecs = Map.copyOf(codecs);
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxFileBytes = maxFileBytes;
    }

    /** The same service, queueing what uploads leave for later ({@code compress=async}, {@code sign=async}) on {@code queue}. */
    public AddFileService queueingOn(TaskQueue queue) {
        return new AddFileService(selector, saga, orchestrator, codecs, signer, clock, maxFileBytes, encryption, alerts,
                tracing, Optional.of(queue));
    }

    @Override
    public AddedFile add(AddFileCommand command, InputStream content, FileId fileId, SagaId sagaId) {
        return add(command, content, Optional.empty(), fileId, sagaId);
    }

    /**
     * Where nothing transforms the bytes (no compression, signature or encryption), the element is offered the file
     * itself ({@link io.artstore.ingester.core.port.out.StorageElement#stageFile}), with the checksum known already;
     * one that cannot take it gets the bytes streamed from the file as any upload's.
     */
    @Override
    public AddedFile add(AddFileCommand command, StagedBytes content, FileId fileId, SagaId sagaId) {
        try (InputStream in = Files.newInputStream(content.file())) {
            return add(command, in, Optional.of(content), fileId, sagaId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + content.file(), e);
        }
    }

    private AddedFile add(AddFileCommand command, InputStream content, Optional<StagedBytes> file, FileId fileId,
            SagaId sagaId) {
        Optional<Codec> codec = command.compression().map(this::codec);
        DeferredWork deferred = command.deferred();
        deferred.compression().ifPresent(this::codec);
        if (!deferred.isEmpty() && tasks.isEmpty()) {
            throw IngestException.invalid("async_unavailable",
                    "this ingester runs no background tasks; send compress and sign as true or false");
        }
        if (deferred.sign() && signer.isEmpty()) {
            throw IngestException.invalid("signing_unavailable",
                    "this ingester has no signing key or service configured; send the upload without sign=async");
        }
        if (command.declaredSize().isPresent() && command.declaredSize().getAsLong() > maxFileBytes) {
            throw new IngestException(Kind.TOO_LARGE, "file_too_large",
                    "the file is larger than the maximum of " + maxFileBytes + " bytes");
        }
        if (command.sign() && signer.isEmpty()) {
            throw IngestException.invalid("signing_unavailable",
                    "this ingester has no signing key or service configured; send the upload without sign=true");
        }
        Request request = new Request(command, content, file, codec, clock.instant());
        try (TraceSpan span = tracing.start("upload", Map.of("artstore.target_mode", command.targetMode().wireName(),
                "artstore.saga_id", sagaId.toString()))) {
            try {
                return add(request, fileId, sagaId);
            } catch (RuntimeException e) {
                span.failed(e);
                throw e;
            }
        }
    }

    private AddedFile add(Request request, FileId fileId, SagaId sagaId) {
        AddFileCommand command = request.command;
        try {
            // Placement refusals (no room, an unknown or wrong element, none reachable) come before the saga
            // begins: they change nothing, so they leave no saga record; the saga's first step reuses the placement.
            Placement placement = request.reserve();
            if (command.deferred().compression().isPresent() && !placement.element().replacesFiles()) {
                throw IngestException.invalid("async_compression_unsupported", "storage element "
                        + placement.element().id() + " cannot replace a stored file, so it cannot compress one after"
                        + " the upload; send compress=true to compress on the fly, or compress=false");
            }
            SagaResult<AddFileSaga.Data> result = orchestrator.run(saga.definitionFor(request), sagaId,
                    AddFileSaga.Data.start(fileId, command.sign()));
            return switch (result.state()) {
                case COMPLETED -> queueDeferred(request.added(result.data(), sagaId), command.deferred());
                case COMPENSATED, FAILED_COMPENSATION -> throw failureOf(result);
                case RUNNING, COMPENSATING -> throw new IngestException(Kind.UNAVAILABLE, "saga_pending",
                        "the add of file " + result.data().fileId() + " is being finished in the background (saga "
                                + sagaId + "); look it up at /api/v1/sagas/" + sagaId + " before uploading again");
            };
        } finally {
            request.release();
        }
    }

    /**
     * Queues the work the upload left for later, once the file is stored: a task is durable when queued, so the answer
     * that says the work is pending comes after it. Were the process to die in between, the file stays as uploaded
     * (and the client, without an answer, sees the upload fail).
     */
    private AddedFile queueDeferred(AddedFile added, DeferredWork deferred) {
        if (deferred.isEmpty()) {
            return added;
        }
        String fileId = added.entry().fileId().toString();
        deferred.compression().ifPresent(algorithm -> tasks.orElseThrow().submit(Task.of(CompressFile.TYPE,
                Map.of(CompressFile.FILE_ID, fileId, CompressFile.ALGORITHM, algorithm.wireName()), clock.instant())));
        if (deferred.sign()) {
            tasks.orElseThrow().submit(Task.of(SignFile.TYPE, Map.of(SignFile.FILE_ID, fileId), clock.instant()));
        }
        return added.withDeferred(deferred);
    }

    /** The failure that turned the saga back, as the client should see it. */
    private static RuntimeException failureOf(SagaResult<AddFileSaga.Data> result) {
        Optional<Exception> cause = result.cause();
        if (cause.isPresent() && cause.get() instanceof AddFileSaga.ContentConsumed consumed) {
            return consumed.original();
        }
        if (cause.isPresent() && cause.get() instanceof IngestException ingest) {
            return ingest;
        }
        return new IngestException(Kind.INTERNAL, "add_failed", "the add of file " + result.data().fileId()
                + " was undone (saga " + result.sagaId() + "): " + result.failure().map(f -> f.message()).orElse("no reason logged"),
                cause.orElse(null));
    }

    private Codec codec(CompressionAlgorithm algorithm) {
        Codec codec = codecs.get(algorithm);
        if (codec == null) {
            throw IngestException.invalid("unsupported_compression",
                    "compression_algorithm '" + algorithm.wireName() + "' is not available; use one of " + codecs.keySet());
        }
        return codec;
    }

    /** Compressed output can exceed its input by a little on incompressible data; reserve for that too. */
    private static OptionalLong storedSizeBound(OptionalLong size, Optional<Codec> codec) {
        if (size.isEmpty() || codec.isEmpty()) {
            return size;
        }
        long bytes = size.getAsLong();
        return OptionalLong.of(bytes + bytes / 256 + 1024);
    }

    /** One upload: what the saga's request-bound steps need, and what they learnt. */
    private final class Request implements AddFileSaga.Upload {

        private final AddFileCommand command;
        private final InputStream content;
        private final Optional<StagedBytes> file;
        private final Optional<Codec> codec;
        private final Instant now;
        private final RetentionPolicy retention;
        private final Optional<Instant> ttlExpiresAt;
        private Optional<Placement> placement = Optional.empty();
        private Optional<StoredContent> stored = Optional.empty();
        private Optional<FileAttributes> staged = Optional.empty();
        private Optional<DetachedSignature> signature = Optional.empty();

        Request(AddFileCommand command, InputStream content, Optional<StagedBytes> file, Optional<Codec> codec, Instant now) {
            this.command = command;
            this.content = content;
            this.file = file;
            this.codec = codec;
            this.now = now;
            this.retention = RetentionPolicy.of(command.targetMode());
            this.ttlExpiresAt = retention == RetentionPolicy.TEMPORARY
                    ? Optional.of(now.plus(Duration.ofDays(command.ttlDays().orElse(DEFAULT_TTL_DAYS))))
                    : Optional.empty();
        }

        @Override
        public synchronized Placement reserve() {
            if (placement.isEmpty()) {
                placement = Optional.of(place());
            }
            return placement.get();
        }

        /** A 507 names the file's own size when it is known, never the request's length. */
        private Placement place() {
            OptionalLong declared = command.declaredSize();
            String file = declared.isPresent() ? "the file's " + declared.getAsLong() + " bytes" : "the file";
            if (declared.isPresent() || command.sizeHint().isEmpty()) {
                return selector.place(command.targetMode(), command.elementId(), storedSizeBound(declared, codec), file);
            }
            try {
                return selector.place(command.targetMode(), command.elementId(), storedSizeBound(command.sizeHint(), codec), file);
            } catch (IngestException e) {
                if (e.kind() != Kind.INSUFFICIENT_STORAGE) {
                    throw e;
                }
                // The hint only bounds the file's size (a request's length counts its headers and fields too): the
                // file may still fit, so reserve as it streams; the placement cuts it off if it outgrows the room.
                return selector.place(command.targetMode(), command.elementId(), OptionalLong.empty(), file);
            }
        }

        @Override
        public AddFileSaga.Staged stage(AddFileSaga.Data data) {
            Placement target = placement.orElseThrow(() -> new IllegalStateException("staging before reserving space"));
            if (file.isPresent() && codec.isEmpty() && !data.sign() && encryption.isEmpty()) {
                Optional<AddFileSaga.Staged> taken = stageFile(target, data, file.get());
                if (taken.isPresent()) {
                    return taken.get();
                }
            }
            Optional<Signing> signing = data.sign() ? signer.map(s -> s.begin(data.fileId())) : Optional.empty();
            // Timers around the client's stream and the signature: the pipeline times digest, compression, encryption.
            TimedInputStream received = new TimedInputStream(content);
            InputStream sniffed = new SniffingInputStream(received, MagicBytes.HEAD_BYTES, head -> inspect(head, data.fileId()));
            TimedInputStream original = new TimedInputStream(
                    signing.<InputStream>map(s -> new SigningInputStream(sniffed, s)).orElse(sniffed));
            Optional<ContentEncryption.FileEncryption> fileKey = encryption.map(ContentEncryption::begin);
            ContentPipeline pipeline = ContentPipeline.of(original, codec, fileKey,
                    new ContentPipeline.Limits(maxFileBytes, command.declaredSize(), command.expectedChecksum(),
                            command.sizeHint()), target);
            StoreRequest storeRequest = new StoreRequest(data.fileId(), command.originalFilename(), command.contentType(),
                    command.uploader(), command.description(), command.version(), now,
                    () -> metadata(pipeline.result(), signing, target.element().sidecarFileId(data.fileId(),
                            DetachedSignature.SIDECAR_SUFFIX), fileKey));
            Instant storeStarted = clock.instant();
            long storeBegan = System.nanoTime();
            FileAttributes attributes = target.element().stageForPublishing(storeRequest, pipeline.stored());
            long storeEnded = System.nanoTime();
            StoredContent result = pipeline.result();
            reportStages(target, pipeline.timings(), received, original, signing.isPresent(), result, storeStarted,
                    storeBegan, storeEnded);
            if (!attributes.checksum().equals(result.storedChecksum()) || attributes.fileSize() != result.storedSize()) {
                throw new IngestException(Kind.INTERNAL, "storage_checksum_mismatch", "storage element " + target.descriptor().id()
                        + " stored " + attributes.fileSize() + " bytes with SHA-256 " + attributes.checksum()
                        + " but " + result.storedSize() + " bytes with SHA-256 " + result.storedChecksum() + " were sent");
            }
            if (data.sign() && signature.isEmpty()) {
                throw new IngestException(Kind.INTERNAL, "signature_missing", "storage element " + target.descriptor().id()
                        + " stored file " + data.fileId() + " without asking for its metadata, so it was not signed");
            }
            stored = Optional.of(result);
            staged = Optional.of(attributes);
            return new AddFileSaga.Staged(attributes, signature);
        }

        /**
         * Offers the element the file itself: the bytes stay where they are, the checksum is the one already known.
         * The same refusals as the pipeline's come first; empty when the element cannot take the file so.
         */
        private Optional<AddFileSaga.Staged> stageFile(Placement target, AddFileSaga.Data data, StagedBytes bytes) {
            long size = bytes.size();
            Sha256 checksum = bytes.checksum();
            if (size == 0) {
                throw IngestException.invalid("empty_file", "the file is empty; storage elements keep only files of 1 byte or more");
            }
            if (size > maxFileBytes) {
                throw new IngestException(Kind.TOO_LARGE, "file_too_large",
                        "the file is larger than the maximum of " + maxFileBytes + " bytes");
            }
            if (command.declaredSize().isPresent() && size != command.declaredSize().getAsLong()) {
                throw new IngestException(Kind.CONTENT_MISMATCH, "size_mismatch",
                        "the file has " + size + " bytes but its declared file_size is " + command.declaredSize().getAsLong());
            }
            command.expectedChecksum().filter(expected -> !expected.equals(checksum)).ifPresent(expected -> {
                throw new IngestException(Kind.CONTENT_MISMATCH, "checksum_mismatch",
                        "the file's SHA-256 is " + checksum + " but the request's checksum is " + expected);
            });
            inspect(head(bytes), data.fileId());
            target.stored(size);
            StoredContent result = new StoredContent(size, checksum, size, checksum, Optional.empty());
            StoreRequest storeRequest = new StoreRequest(data.fileId(), command.originalFilename(), command.contentType(),
                    command.uploader(), command.description(), command.version(), now,
                    () -> metadata(result, Optional.empty(), Optional.empty(), Optional.empty()));
            Optional<FileAttributes> attributes = target.element().stageFileForPublishing(storeRequest, bytes.file(), size, checksum);
            if (attributes.isEmpty()) {
                return Optional.empty();
            }
            if (!attributes.get().checksum().equals(checksum) || attributes.get().fileSize() != size) {
                throw new IngestException(Kind.INTERNAL, "storage_checksum_mismatch", "storage element " + target.descriptor().id()
                        + " staged " + attributes.get().fileSize() + " bytes with SHA-256 " + attributes.get().checksum()
                        + " but the file has " + size + " bytes with SHA-256 " + checksum);
            }
            stored = Optional.of(result);
            staged = attributes;
            return Optional.of(new AddFileSaga.Staged(attributes.get(), Optional.empty()));
        }

        private static byte[] head(StagedBytes bytes) {
            try (InputStream in = Files.newInputStream(bytes.file())) {
                return in.readNBytes((int) Math.min(MagicBytes.HEAD_BYTES, bytes.size()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + bytes.file(), e);
            }
        }

        /** The staged file as the registry lists it: the element's own name and folder, the original bytes' facts. */
        @Override
        public Optional<FileRegistration> registration(AddFileSaga.Data data) {
            FileAttributes attributes = staged.orElseThrow(() -> new IllegalStateException("registering before staging"));
            StoredContent content = stored.orElseThrow();
            Optional<FileRegistration.Ttl> ttl = ttlExpiresAt.map(at ->
                    new FileRegistration.Ttl(at, command.ttlDays().orElse(DEFAULT_TTL_DAYS)));
            return Optional.of(new FileRegistration(data.fileId(), command.originalFilename(), attributes.storageFilename(),
                    content.originalSize(), content.originalChecksum(), command.contentType(), command.description(),
                    retention, ttl, placement.orElseThrow().descriptor().id(), attributes.storagePath(),
                    content.compression(), command.uploader().id(), command.sourceAddress(), command.metadata()));
        }

        @Override
        public synchronized void release() {
            placement.ifPresent(Placement::close);
        }

        /**
         * Each stage's own time: receiving (the client's stream), signing, digesting, compressing, encrypting, and
         * storing (the element's call less the time it spent reading the pipeline).
         */
        private void reportStages(Placement target, ContentPipeline.Timings timings, TimedInputStream received,
                TimedInputStream original, boolean signed, StoredContent result, Instant storeStarted, long storeBegan,
                long storeEnded) {
            Optional<String> element = Optional.of(target.descriptor().id().value());
            long sign = Math.max(0, original.nanos() - received.nanos());
            long receive = received.nanos();
            Instant first = storeStarted.plusNanos(Math.max(0, timings.firstRead() - storeBegan));
            Instant last = storeStarted.plusNanos(Math.max(0, timings.lastRead() - storeBegan));
            Instant end = storeStarted.plusNanos(storeEnded - storeBegan);
            tracing.stage(new StageTiming("receive", Optional.empty(), first, last, Duration.ofNanos(receive), result.originalSize()));
            if (signed) {
                tracing.stage(new StageTiming("sign", Optional.empty(), first, last, Duration.ofNanos(sign), result.originalSize()));
            }
            tracing.stage(new StageTiming("digest", Optional.empty(), first, last, Duration.ofNanos(timings.digest()),
                    result.originalSize()));
            if (codec.isPresent()) {
                tracing.stage(new StageTiming("compress", Optional.empty(), first, last, Duration.ofNanos(timings.compress()),
                        result.originalSize()));
            }
            if (encryption.isPresent()) {
                tracing.stage(new StageTiming("encrypt", Optional.empty(), first, last, Duration.ofNanos(timings.encrypt()),
                        result.storedSize()));
            }
            long store = Math.max(0, (storeEnded - storeBegan) - timings.throughStored());
            tracing.stage(new StageTiming("store", element, storeStarted, end, Duration.ofNanos(store), result.storedSize()));
        }

        /** Raises an alert, without refusing the upload, when the content is a program its name disguises. */
        private void inspect(byte[] head, FileId fileId) {
            MagicBytes.disguised(head, command.originalFilename()).ifPresent(kind -> alerts.raise(new SecurityAlert(
                    clock.instant(), SecurityAlert.Kind.SUSPICIOUS_CONTENT,
                    new Caller(command.uploader().id(), command.uploader().username(), Optional.empty(), Optional.empty()),
                    command.sourceAddress(), Optional.of(fileId),
                    "upload '" + command.originalFilename() + "' (" + command.contentType() + ") is a " + kind)));
        }

        private Map<String, Object> metadata(StoredContent result, Optional<Signing> signing, Optional<FileId> signatureFile,
                Optional<ContentEncryption.FileEncryption> fileKey) {
            if (signing.isPresent() && signature.isEmpty()) {
                signature = Optional.of(signing.get().sign());
            }
            Map<String, Object> ingester = new LinkedHashMap<>(result.toMetadata());
            ingester.put("retention_policy", retention.wireName());
            ttlExpiresAt.ifPresent(at -> ingester.put("ttl_expires_at", at.toString()));
            signature.ifPresent(signed -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("algorithm", signed.algorithm().wireName());
                fields.put("certificate_fingerprint", signed.certificateFingerprint());
                fields.put("signed_at", signed.signedAt().toString());
                // Where the element keeps the signature as a file of its own, the file names it.
                signatureFile.ifPresent(id -> {
                    fields.put("file_id", id.toString());
                    fields.put("original_filename", command.originalFilename() + DetachedSignature.SIDECAR_SUFFIX);
                });
                ingester.put("signature", fields);
            });
            fileKey.ifPresent(file -> ingester.put(ContentEncryption.METADATA_KEY, file.metadata()));
            Map<String, Object> metadata = new LinkedHashMap<>(command.metadata());
            metadata.put(StoredContent.METADATA_KEY, ingester);
            return metadata;
        }

        AddedFile added(AddFileSaga.Data data, SagaId sagaId) {
            Placement target = placement.orElseThrow();
            AddFileSaga.Placed placed = data.element().orElseThrow();
            CatalogEntry entry = new CatalogEntry(placed.elementId(), placed.mode(), staged.orElseThrow());
            return new AddedFile(entry, target.descriptor(), stored.orElseThrow(), retention, ttlExpiresAt, sagaId, signature);
        }
    }
}
