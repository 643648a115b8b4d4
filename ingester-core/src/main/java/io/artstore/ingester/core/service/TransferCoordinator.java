package io.artstore.ingester.core.service;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.domain.StoredContent;
import io.artstore.ingester.core.domain.Uploader;
import io.artstore.ingester.core.pipeline.HashingInputStream;
import io.artstore.ingester.core.port.in.FileLocation;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.FileEventAttributes;
import io.artstore.ingester.core.port.out.FileRegistry;
import io.artstore.ingester.core.port.out.Finalization;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.port.out.Locks.Lock;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.port.out.StorageElements;
import io.artstore.ingester.core.port.out.StoreRequest;
import io.artstore.ingester.core.port.out.TransactionLog;
import io.artstore.ingester.core.port.out.TraceSpan;
import io.artstore.ingester.core.port.out.Tracing;
import io.artstore.ingester.core.transfer.Participant;
import io.artstore.ingester.core.transfer.Signal;
import io.artstore.ingester.core.transfer.Step;
import io.artstore.ingester.core.transfer.TransactionHistory;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import io.artstore.ingester.core.transfer.TransferDecision;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStateMachine;
import io.artstore.ingester.core.transfer.TransferStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves a file from its {@code edit} storage element to an {@code rw} one by two-phase commit, keeping its id,
 * attributes and signature; the signature is staged beside the copy in phase one, so both move or neither does. {@link TransferStateMachine} decides every step from the log; this service carries
 * the steps out through the ports and logs each one. Every step is idempotent, so that {@link #recover()} can
 * re-run whatever a crash interrupted.
 *
 * <p>Work runs on the calling thread; callers may run {@link #run} on an executor. Any number of transfers may
 * run at once, each driven by one thread at a time; the file's lock keeps other operations off it meanwhile.
 */
public final class TransferCoordinator {

    /** The suffix of a file's detached signature, kept beside it on its storage element. */
    public static final String SIGNATURE_SUFFIX = ".sig";
    /** A transaction needs about fifteen actions; far more means the protocol is not progressing. */
    private static final int MAX_ACTIONS_PER_DRIVE = 100;
    /** What a transfer refused because the file is locked tells its caller. */
    private static final String RETRY_LATER = "retry once it has finished";

    private final FileLocator locator;
    private final StorageElements elements;
    private final StorageElementSelector selector;
    private final FileCatalog catalog;
    private final EventPublisher events;
    private final TransactionLog log;
    private final Locks locks;
    private final Clock clock;
    private final FileRegistry registry;
    private final Tracing tracing;

    /** Transactions started here whose {@link #run} has not begun: not for recovery to take. */
    private final Set<TransactionId> started = ConcurrentHashMap.newKeySet();
    /** Transactions some thread of this instance is driving now. */
    private final Set<TransactionId> driving = ConcurrentHashMap.newKeySet();
    private final Map<TransactionId, Placement> placements = new ConcurrentHashMap<>();
    private final Map<TransactionId, String> pendingErrors = new ConcurrentHashMap<>();
    /** Bytes read from the source so far, for each copy being staged now. */
    private final Map<TransactionId, AtomicLong> copying = new ConcurrentHashMap<>();
    /**
     * The target copy as this process staged or published it, with the metadata written: verifying and recording it
     * then needs no read-back (a remote SE reports no metadata). After a restart the elements are asked instead.
     */
    private final Map<TransactionId, FileAttributes> targetCopies = new ConcurrentHashMap<>();

    public TransferCoordinator(FileLocator locator, StorageElements elements, StorageElementSelector selector,
            FileCatalog catalog, EventPublisher events, TransactionLog log, Locks locks, Clock clock) {
        this(locator, elements, selector, catalog, events, log, locks, clock, FileRegistry.none());
    }

    /** @param registry told of each committed transfer, when the catalogue is updated */
    public TransferCoordinator(FileLocator locator, StorageElements elements, StorageElementSelector selector,
            FileCatalog catalog, EventPublisher events, TransactionLog log, Locks locks, Clock clock, FileRegistry registry) {
        this(locator, elements, selector, catalog, events, log, locks, clock, registry, Tracing.NONE);
    }

    /** @param tracing told of a span for each drive of a transaction and each action of its two phases */
    public TransferCoordinator(FileLocator locator, StorageElements elements, StorageElementSelector selector,
            FileCatalog catalog, EventPublisher events, TransactionLog log, Locks locks, Clock clock, FileRegistry registry,
            Tracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.locator = Objects.requireNonNull(locator, "locator");
        this.elements = Objects.requireNonNull(elements, "elements");
        this.selector = Objects.requireNonNull(selector, "selector");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.events = Objects.requireNonNull(events, "events");
        this.log = Objects.requireNonNull(log, "log");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Transfers the file to an {@code rw} storage element (the one named, or the best with room) and returns
     * once the transaction has ended or stopped to wait for a retry; {@link #status} tells which.
     *
     * @throws IngestException 404 unknown file; 409 not on an {@code edit} element ({@code wrong_mode}) or
     *     locked by another operation ({@code file_locked}); 507 no {@code rw} element has room; 503 none reachable
     */
    public TransactionId begin(FileId fileId, Optional<StorageElementId> targetId) {
        TransactionId id = start(fileId, targetId);
        run(id);
        return id;
    }

    /**
     * The quick part of {@link #begin}: checks, locks the file, chooses the target and logs the start. The caller
     * then calls {@link #run} (possibly on another thread) to carry the transaction out.
     */
    public TransactionId start(FileId fileId, Optional<StorageElementId> targetId) {
        return start(fileId, targetId, VectorClock.empty());
    }

    /**
     * {@link #start(FileId, Optional)} for a request that carries a vector clock, which the begin record keeps so
     * that the transfer can be ordered among the file's other operations.
     */
    public TransactionId start(FileId fileId, Optional<StorageElementId> targetId, VectorClock requestClock) {
        return start(fileId, targetId, requestClock, TransactionId.random());
    }

    /**
     * {@link #start(FileId, Optional, VectorClock)} under the given id, so that a caller which may have started the
     * transaction before (and died) can find it with {@link #status} instead of moving the file twice. The caller
     * makes sure that the id is new.
     */
    public TransactionId start(FileId fileId, Optional<StorageElementId> targetId, VectorClock requestClock,
            TransactionId id) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(requestClock, "requestClock");
        Objects.requireNonNull(targetId, "targetId");
        FileLocation location = locator.find(fileId).orElseThrow(() -> fileNotFound(fileId));
        if (location.element().mode() != Mode.EDIT) {
            throw IngestException.conflict("wrong_mode", "file " + fileId + " is on storage element "
                    + location.entry().elementId() + " in mode '" + location.element().mode().wireName()
                    + "'; only files on 'edit' storage elements can be transferred");
        }
        StorageElement source = element(location.entry().elementId());
        started.add(id);
        try {
            Lock lock = locks.lockOrRefuse(fileId, Locks.Operation.TRANSFER, id.toString(), RETRY_LATER);
            try {
                FileAttributes attributes = source.stat(fileId).orElseThrow(() -> fileNotFound(fileId));
                Placement placement = selector.place(Mode.RW, targetId, OptionalLong.of(attributes.fileSize()));
                try {
                    log.append(new Begun(id, fileId, source.id(), placement.element().id(), attributes.checksum(),
                            attributes.fileSize(), lock.fencingToken(), clock.instant(), requestClock));
                } catch (RuntimeException failure) {
                    placement.close();
                    throw failure;
                }
                placements.put(id, placement);
            } catch (RuntimeException failure) {
                locks.release(lock);
                throw failure;
            }
        } catch (RuntimeException failure) {
            started.remove(id);
            throw failure;
        }
        return id;
    }

    /** Drives a started transaction as far as it goes now; returns at once if another thread drives it. */
    public TransferStatus run(TransactionId id) {
        if (!driving.add(id)) {
            return status(id);
        }
        started.remove(id);
        try (TraceSpan span = tracing.start("transfer", Map.of("artstore.transaction_id", id.toString()))) {
            TransferStatus status = drive(id, Signal.PROCEED);
            span.attribute("artstore.transfer.status", status.state().toString());
            return status;
        } finally {
            finishDriving(id);
        }
    }

    /**
     * Aborts a transaction that {@link #start} logged but that will never {@link #run}, e.g. because no thread
     * would take it: logs the abort decision, discards what was staged, releases the file's lock and logs the end.
     * If the log cannot be written now, the transaction is left to {@link #recover}, which presumes abort.
     *
     * @return its status afterwards: aborted, or stopped with the reason recovery will retry
     */
    public TransferStatus abandon(TransactionId id, String reason) {
        Objects.requireNonNull(reason, "reason");
        started.remove(id);
        if (!driving.add(id)) {
            return status(id);
        }
        try {
            return drive(id, new Signal.Failed(reason));
        } finally {
            finishDriving(id);
        }
    }

    /**
     * @throws IngestException 404 ({@code transfer_not_found}) when no transaction has the id
     */
    public TransferStatus status(TransactionId id) {
        List<TransactionRecord> records = log.load(id);
        if (records.isEmpty()) {
            throw IngestException.notFound("transfer_not_found", "no transfer has the id " + id);
        }
        TransactionHistory history = TransactionHistory.of(records);
        TransferStatus status = TransferStatus.of(history, Optional.ofNullable(pendingErrors.get(id)));
        AtomicLong copied = copying.get(id);
        return copied == null ? status : status.withCopiedBytes(copied.get(), history.begun().expectedSize());
    }

    /**
     * Drives every unfinished transaction that this instance is not driving to its end: commit if the decision
     * was logged, abort otherwise. Releases transfer locks whose transaction never got logged or has ended.
     * Run at start-up and periodically.
     *
     * @return the status of each transaction it drove
     */
    public List<TransferStatus> recover() {
        List<TransferStatus> recovered = new ArrayList<>();
        for (TransactionId id : log.unfinished()) {
            if (started.contains(id) || !driving.add(id)) {
                continue;
            }
            try (TraceSpan span = tracing.start("transfer.recover", Map.of("artstore.transaction_id", id.toString()))) {
                try {
                    recovered.add(drive(id, Signal.RECOVERING));
                } catch (RuntimeException failure) {
                    span.failed(failure);
                    throw failure;
                }
            } catch (RuntimeException failure) {
                pendingErrors.put(id, "recovery failed: " + failure.getMessage());
            } finally {
                finishDriving(id);
            }
        }
        releaseOrphanedLocks();
        return recovered;
    }

    private void finishDriving(TransactionId id) {
        driving.remove(id);
        Placement placement = placements.remove(id);
        if (placement != null) {
            placement.close();
        }
    }

    private void releaseOrphanedLocks() {
        for (Lock lock : locks.held()) {
            if (lock.operation() != Locks.Operation.TRANSFER) {
                continue;
            }
            TransactionId owner;
            try {
                owner = TransactionId.parse(lock.owner());
            } catch (IllegalArgumentException foreign) {
                continue;
            }
            if (started.contains(owner) || driving.contains(owner)) {
                continue;
            }
            List<TransactionRecord> records = log.load(owner);
            if (records.isEmpty() || TransactionHistory.of(records).ended().isPresent()) {
                locks.release(lock);
            }
        }
    }

    private TransferStatus drive(TransactionId id, Signal first) {
        Signal signal = first;
        for (int actions = 0; ; actions++) {
            if (actions == MAX_ACTIONS_PER_DRIVE) {
                pendingErrors.put(id, "stopped after " + actions + " actions without reaching an end; the recovery sweep retries");
                break;
            }
            List<TransactionRecord> records = log.load(id);
            if (records.isEmpty()) {
                throw IngestException.notFound("transfer_not_found", "no transfer has the id " + id);
            }
            TransactionHistory history = TransactionHistory.of(records);
            TransferDecision decision = TransferStateMachine.next(history, signal);
            if (decision instanceof TransferDecision.Done) {
                pendingErrors.remove(id);
                break;
            }
            if (decision instanceof TransferDecision.Suspend suspend) {
                pendingErrors.put(id, suspend.reason());
                break;
            }
            Signal outcome;
            try (TraceSpan span = tracing.start("2pc." + actionName(decision), Map.of("artstore.2pc.phase", phaseOf(decision),
                    "artstore.transaction_id", id.toString()))) {
                outcome = act(history, decision);
                if (outcome instanceof Signal.Failed failed) {
                    span.event("failed", Map.of("reason", failed.reason()));
                    span.failed(new IllegalStateException(failed.reason()));
                }
            }
            if (signal instanceof Signal.Failed && outcome instanceof Signal.Failed failed) {
                // Acting on a failure failed too (the log itself may be down): leave the rest to recovery.
                pendingErrors.put(id, failed.reason());
                break;
            }
            signal = outcome;
        }
        return status(id);
    }

    /** The action's name in spans: its decision's name in lower case with hyphens, e.g. stage-on-target. */
    private static String actionName(TransferDecision decision) {
        return decision.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Which phase of the two-phase commit an action belongs to. */
    private static String phaseOf(TransferDecision decision) {
        if (decision instanceof TransferDecision.PrepareSource || decision instanceof TransferDecision.StageOnTarget
                || decision instanceof TransferDecision.StageSignature || decision instanceof TransferDecision.VerifyTarget) {
            return "prepare";
        }
        if (decision instanceof TransferDecision.LogDecision) {
            return "decide";
        }
        if (decision instanceof TransferDecision.DiscardStaged) {
            return "abort";
        }
        if (decision instanceof TransferDecision.LogEnd || decision instanceof TransferDecision.UnlockSource
                || decision instanceof TransferDecision.Heuristic) {
            return "end";
        }
        return "commit";
    }

    private Signal act(TransactionHistory history, TransferDecision decision) {
        Begun begun = history.begun();
        try {
            if (decision instanceof TransferDecision.PrepareSource) {
                return prepareSource(begun);
            } else if (decision instanceof TransferDecision.StageOnTarget) {
                return stageOnTarget(begun);
            } else if (decision instanceof TransferDecision.StageSignature) {
                return stageSignature(begun);
            } else if (decision instanceof TransferDecision.VerifyTarget) {
                return verifyTarget(begun);
            } else if (decision instanceof TransferDecision.LogDecision logDecision) {
                log.append(new TransactionRecord.Decided(begun.transactionId(), logDecision.verdict(),
                        Optional.of(logDecision.reason()), clock.instant()));
                return Signal.PROCEED;
            } else if (decision instanceof TransferDecision.PublishTarget) {
                return publishTarget(begun);
            } else if (decision instanceof TransferDecision.CopySignature) {
                return copySignature(begun);
            } else if (decision instanceof TransferDecision.DeleteSource) {
                return deleteSource(begun);
            } else if (decision instanceof TransferDecision.UpdateCatalogue) {
                return updateCatalogue(begun);
            } else if (decision instanceof TransferDecision.PublishEvent) {
                FileEvent transferred = new FileEvent(FileEvent.Type.FILE_TRANSFERRED, begun.fileId(), begun.target(),
                        Mode.RW, begun.expectedSize(), begun.expectedChecksum(), clock.instant())
                        .withTransactionId(begun.transactionId().toString());
                // The catalogue was updated by the step before: it records the file on the target now.
                Optional<FileAttributes> file = catalogued(begun.fileId(), begun.target());
                events.publish(file.map(known -> transferred.withAttributes(FileEventAttributes.of(known, Mode.RW)))
                        .orElse(transferred));
                return completed(begun, Step.EVENT_PUBLISHED);
            } else if (decision instanceof TransferDecision.DiscardStaged) {
                // The record says a copy (and its signature) was, or may have been, uploaded there: remove whatever
                // is under the id.
                targetCopies.remove(begun.transactionId());
                element(begun.target()).discardStaged(begun.fileId());
                return completed(begun, Step.STAGED_DISCARDED);
            } else if (decision instanceof TransferDecision.UnlockSource) {
                unlock(begun);
                return completed(begun, Step.SOURCE_UNLOCKED);
            } else if (decision instanceof TransferDecision.LogEnd end) {
                Optional<String> reason = end.outcome() == TransferState.ABORTED
                        ? history.decision().flatMap(TransactionRecord.Decided::reason)
                        : Optional.empty();
                log.append(new TransactionRecord.Ended(begun.transactionId(), end.outcome(), reason, clock.instant()));
                targetCopies.remove(begun.transactionId());
                return Signal.PROCEED;
            } else if (decision instanceof TransferDecision.Heuristic heuristic) {
                targetCopies.remove(begun.transactionId());
                unlock(begun);
                log.append(new TransactionRecord.Ended(begun.transactionId(), TransferState.HEURISTIC,
                        Optional.of(heuristic.reason()), clock.instant()));
                return Signal.PROCEED;
            }
            throw new IllegalStateException("no action for " + decision);
        } catch (RuntimeException failure) {
            return new Signal.Failed(describe(decision) + " failed: " + failure.getMessage());
        }
    }

    private Signal prepareSource(Begun begun) {
        locks.validate(lockOf(begun));
        Optional<FileAttributes> attributes = element(begun.source()).stat(begun.fileId());
        Optional<String> refusal;
        if (attributes.isEmpty()) {
            refusal = Optional.of("storage element " + begun.source() + " no longer holds file " + begun.fileId());
        } else if (!attributes.get().checksum().equals(begun.expectedChecksum())) {
            refusal = Optional.of("file " + begun.fileId() + " changed since the transfer began: its SHA-256 is "
                    + attributes.get().checksum() + ", not " + begun.expectedChecksum());
        } else {
            refusal = Optional.empty();
        }
        log.append(new TransactionRecord.Voted(begun.transactionId(), Participant.SOURCE, refusal.isEmpty(), refusal,
                clock.instant()));
        return Signal.PROCEED;
    }

    /**
     * Uploads the copy with the same id: no existence check first, since a transaction is staged once and one found
     * without a decision by recovery is aborted, its copy (if any landed) discarded. The metadata written is the
     * catalogue's, the ingester's own record of the file, not what the source reports.
     */
    private Signal stageOnTarget(Begun begun) {
        locks.validate(lockOf(begun));
        StorageElement source = element(begun.source());
        StorageElement target = element(begun.target());
        try {
            Optional<FileAttributes> attributes = source.stat(begun.fileId());
            if (attributes.isEmpty()) {
                return new Signal.Missing(Participant.SOURCE,
                        "storage element " + begun.source() + " no longer holds file " + begun.fileId());
            }
            FileAttributes known = catalogued(begun.fileId(), begun.source()).orElse(attributes.get());
            AtomicLong copied = new AtomicLong();
            copying.put(begun.transactionId(), copied);
            try {
                // Both elements on this machine: the target copies the file itself and reports the checksum of the
                // bytes it reads back from its copy, which must be the file's as a streamed copy's must.
                Optional<FileAttributes> copy = source.localFile(begun.fileId())
                        .flatMap(file -> target.stageCopy(stagingRequest(begun, known), file, copied::set));
                Signal staged = copy.isPresent() ? readBack(begun, copy.get()) : stream(begun, source, target, known, copied);
                if (staged != Signal.PROCEED) {
                    return staged;
                }
            } finally {
                copying.remove(begun.transactionId());
            }
        } finally {
            Placement placement = placements.remove(begun.transactionId());
            if (placement != null) {
                placement.close();
            }
        }
        return completed(begun, Step.TARGET_STAGED);
    }

    /** Checks a copy the target made itself against the file; on success it is in {@link #targetCopies}. */
    private Signal readBack(Begun begun, FileAttributes staged) {
        if (!staged.checksum().equals(begun.expectedChecksum()) || staged.fileSize() != begun.expectedSize()) {
            return new Signal.Missing(Participant.TARGET, "the copy staged on " + begun.target() + " from "
                    + begun.source() + " reads back as " + staged.fileSize() + " bytes with SHA-256 "
                    + staged.checksum() + ", not " + begun.expectedSize() + " bytes with SHA-256 "
                    + begun.expectedChecksum());
        }
        targetCopies.put(begun.transactionId(), staged);
        return Signal.PROCEED;
    }

    /**
     * Streams the source's bytes into the target's staging. Hashed once, as the target reads: a local target keeps these
     * bytes unchanged and takes this digest. Not read ahead on a thread of its own: measured, the hand-over cost more
     * than the overlap gained (the disk bounds the copy, and reading a cached source and hashing it keep up with it).
     * On success the staged copy is in {@link #targetCopies}.
     */
    private Signal stream(Begun begun, StorageElement source, StorageElement target, FileAttributes known,
            AtomicLong copied) {
        Optional<InputStream> content = source.open(begun.fileId());
        if (content.isEmpty()) {
            return new Signal.Missing(Participant.SOURCE,
                    "storage element " + begun.source() + " no longer holds file " + begun.fileId());
        }
        Sha256 sent;
        FileAttributes staged;
        try (HashingInputStream digesting = new HashingInputStream(content.get(), copied::set)) {
            staged = target.stage(stagingRequest(begun, known), digesting);
            if (!digesting.ended()) {
                return new Signal.Missing(Participant.SOURCE, "storage element " + begun.target() + " staged file "
                        + begun.fileId() + " after reading only " + digesting.count() + " of its bytes from " + begun.source());
            }
            sent = digesting.digest();
        } catch (IOException e) {
            throw new UncheckedIOException("reading file " + begun.fileId() + " from " + begun.source(), e);
        }
        if (!sent.equals(begun.expectedChecksum())) {
            return new Signal.Missing(Participant.SOURCE, "the bytes read from " + begun.source()
                    + " hash to " + sent + ", not " + begun.expectedChecksum());
        }
        targetCopies.put(begun.transactionId(), staged);
        return Signal.PROCEED;
    }

    /**
     * Stages the source's signature beside the staged copy, so that commit publishes both and abort discards both.
     * Its place on the target follows from the file's id and the target named in the begin record, so that recovery
     * finds it, like the copy, from the record alone. Logged as done also when the source has none.
     */
    private Signal stageSignature(Begun begun) {
        locks.validate(lockOf(begun));
        Optional<byte[]> signature = element(begun.source()).readSidecar(begun.fileId(), SIGNATURE_SUFFIX);
        if (signature.isPresent()) {
            try {
                element(begun.target()).stageSidecar(begun.fileId(), SIGNATURE_SUFFIX, signature.get());
            } catch (IngestException e) {
                if (e.kind() == Kind.NOT_FOUND) {
                    return new Signal.Missing(Participant.TARGET, "storage element " + begun.target()
                            + " lost the staged copy of " + begun.fileId() + " before its signature was staged");
                }
                throw e;
            }
        }
        return completed(begun, Step.SIGNATURE_STAGED);
    }

    /** The size and checksum the target's upload reported; the target is asked only after a restart. */
    private Signal verifyTarget(Begun begun) {
        locks.validate(lockOf(begun));
        Optional<FileAttributes> staged = Optional.ofNullable(targetCopies.get(begun.transactionId()))
                .or(() -> element(begun.target()).staged(begun.fileId()));
        Optional<String> refusal;
        if (staged.isEmpty()) {
            refusal = Optional.of("storage element " + begun.target() + " holds no staged copy of " + begun.fileId());
        } else if (!staged.get().checksum().equals(begun.expectedChecksum()) || staged.get().fileSize() != begun.expectedSize()) {
            refusal = Optional.of("the staged copy has " + staged.get().fileSize() + " bytes with SHA-256 "
                    + staged.get().checksum() + ", not " + begun.expectedSize() + " bytes with SHA-256 " + begun.expectedChecksum());
        } else {
            refusal = Optional.empty();
        }
        log.append(new TransactionRecord.Voted(begun.transactionId(), Participant.TARGET, refusal.isEmpty(), refusal,
                clock.instant()));
        return Signal.PROCEED;
    }

    private Signal publishTarget(Begun begun) {
        FileAttributes published;
        try {
            published = element(begun.target()).publishStaged(begun.fileId());
        } catch (IngestException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return targetMissing(begun, "its staged copy vanished after the commit decision");
            }
            throw e;
        }
        if (!published.checksum().equals(begun.expectedChecksum())) {
            return targetMissing(begun, "its published copy hashes to " + published.checksum());
        }
        targetCopies.computeIfPresent(begun.transactionId(), (id, staged) -> withRecord(published, staged));
        return completed(begun, Step.TARGET_PUBLISHED);
    }

    /** Phase two of a transaction logged before signatures were staged in phase one. */
    private Signal copySignature(Begun begun) {
        Optional<byte[]> signature = element(begun.source()).readSidecar(begun.fileId(), SIGNATURE_SUFFIX);
        if (signature.isPresent()) {
            try {
                element(begun.target()).writeSidecar(begun.fileId(), SIGNATURE_SUFFIX, signature.get());
            } catch (IngestException e) {
                if (e.kind() == Kind.NOT_FOUND) {
                    return targetMissing(begun, "its copy vanished before the signature was copied");
                }
                throw e;
            }
        }
        return completed(begun, Step.SIGNATURE_COPIED);
    }

    private Signal deleteSource(Begun begun) {
        // The source copy is the last intact one until the target's is checked: never delete it blindly.
        Optional<FileAttributes> onTarget = element(begun.target()).stat(begun.fileId());
        if (onTarget.filter(attributes -> attributes.checksum().equals(begun.expectedChecksum())).isEmpty()) {
            return targetMissing(begun, "its copy is missing or damaged; the source copy was kept");
        }
        ensureLocked(begun);
        StorageElement source = element(begun.source());
        // The signature first: once the file is gone the element may no longer find what is named after it.
        source.deleteSidecar(begun.fileId(), SIGNATURE_SUFFIX);
        source.delete(begun.fileId());
        return completed(begun, Step.SOURCE_DELETED);
    }

    /**
     * Records the target's copy: where the target put it, with the provenance and metadata the ingester wrote
     * (a remote SE reports neither). After a restart they come from the catalogue's entry of the source copy.
     */
    private Signal updateCatalogue(Begun begun) {
        Optional<FileAttributes> onTarget = element(begun.target()).stat(begun.fileId());
        if (onTarget.isEmpty()) {
            return targetMissing(begun, "its copy vanished after the source copy was deleted");
        }
        FileAttributes recorded = Optional.ofNullable(targetCopies.remove(begun.transactionId()))
                .or(() -> catalogued(begun.fileId(), begun.source()).map(known -> {
                    StoreRequest request = stagingRequest(begun, known);
                    return new FileAttributes(known.fileId(), known.originalFilename(), known.storageFilename(),
                            known.fileSize(), known.contentType(), known.createdAt(), known.updatedAt(), known.createdById(),
                            known.createdByUsername(), known.createdByFullname(), known.description(), known.version(),
                            known.storagePath(), known.checksum(), request.metadata().get());
                }))
                .map(known -> withRecord(onTarget.get(), known))
                .orElse(onTarget.get());
        catalog.put(new CatalogEntry(begun.target(), Mode.RW, recorded));
        // Repeated by recovery if the step is not logged as done: the registry's update is idempotent.
        registry.markFinalized(begun.fileId(), new Finalization(begun.target(), recorded.storagePath(), clock.instant()));
        return completed(begun, Step.CATALOGUE_UPDATED);
    }

    /** The catalogue's attributes of the file while it is recorded on {@code element}. */
    private Optional<FileAttributes> catalogued(FileId fileId, StorageElementId element) {
        return catalog.find(fileId).filter(entry -> entry.elementId().equals(element)).map(CatalogEntry::attributes);
    }

    /**
     * The element's own fields (name, folder, bytes) with what the ingester recorded: provenance, texts and
     * metadata. An element that reports metadata (a local one) is believed.
     */
    private static FileAttributes withRecord(FileAttributes onElement, FileAttributes known) {
        if (!onElement.metadata().isEmpty()) {
            return onElement;
        }
        return new FileAttributes(onElement.fileId(), onElement.originalFilename(), onElement.storageFilename(),
                onElement.fileSize(), known.contentType(), known.createdAt(), known.updatedAt(), known.createdById(),
                known.createdByUsername(), known.createdByFullname(), known.description(), known.version(),
                onElement.storagePath(), onElement.checksum(), known.metadata());
    }

    private Signal.Missing targetMissing(Begun begun, String what) {
        return new Signal.Missing(Participant.TARGET, "target storage element " + begun.target() + " and file "
                + begun.fileId() + ": " + what + "; an operator must check both storage elements");
    }

    private Signal completed(Begun begun, Step step) {
        log.append(new TransactionRecord.StepCompleted(begun.transactionId(), step, clock.instant()));
        return Signal.PROCEED;
    }

    private void unlock(Begun begun) {
        locks.holder(begun.fileId())
                .filter(lock -> lock.operation() == Locks.Operation.TRANSFER && lock.owner().equals(begun.transactionId().toString()))
                .ifPresent(locks::release);
    }

    /** Phase two acts only under the lock; one lost with its store is taken again, one taken by others waits. */
    private void ensureLocked(Begun begun) {
        String owner = begun.transactionId().toString();
        Optional<Lock> current = locks.holder(begun.fileId());
        if (current.isPresent() && current.get().owner().equals(owner)) {
            return;
        }
        locks.lockOrRefuse(begun.fileId(), Locks.Operation.TRANSFER, owner, RETRY_LATER);
    }

    private static Lock lockOf(Begun begun) {
        return new Lock(begun.fileId(), Locks.Operation.TRANSFER, begun.transactionId().toString(), begun.fencingToken());
    }

    private StoreRequest stagingRequest(Begun begun, FileAttributes attributes) {
        Map<String, Object> metadata = transferredMetadata(attributes.metadata(), begun);
        return new StoreRequest(begun.fileId(), attributes.originalFilename(), attributes.contentType(),
                new Uploader(attributes.createdById(), attributes.createdByUsername(), attributes.createdByFullname()),
                attributes.description(), attributes.version(), attributes.createdAt(), () -> metadata);
    }

    /** The ingester's section is kept; the file is permanent now, and says where it came from. */
    private static Map<String, Object> transferredMetadata(Map<String, Object> original, Begun begun) {
        Map<String, Object> metadata = new LinkedHashMap<>(original);
        Map<String, Object> ingester = new LinkedHashMap<>();
        if (original.get(StoredContent.METADATA_KEY) instanceof Map<?, ?> section) {
            section.forEach((key, value) -> ingester.put(String.valueOf(key), value));
        }
        ingester.put("retention_policy", RetentionPolicy.PERMANENT.wireName());
        ingester.remove("ttl_expires_at");
        ingester.put("transferred_from", begun.source().value());
        ingester.put("transfer_id", begun.transactionId().toString());
        metadata.put(StoredContent.METADATA_KEY, ingester);
        return metadata;
    }

    private StorageElement element(StorageElementId id) {
        return elements.find(id).orElseThrow(() -> new IngestException(Kind.UNAVAILABLE, "storage_unavailable",
                "storage element " + id + " is not known now"));
    }

    private static IngestException fileNotFound(FileId fileId) {
        return IngestException.notFound("file_not_found", "no file has the id " + fileId);
    }

    private static String describe(TransferDecision decision) {
        return decision.getClass().getSimpleName();
    }
}
