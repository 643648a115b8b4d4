package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client may know of a transfer.
 *
 * @param progressPercent how much of the protocol is done: by steps, and while the copy is staged by the bytes
 *     copied so far (see {@link #withCopiedBytes}); 100 once ended
 * @param checksumVerified the staged copy's checksum was found equal to the source's
 * @param error why it aborted, ended heuristically, or is waiting for a retry
 */
public record TransferStatus(
        TransactionId transactionId,
        FileId fileId,
        StorageElementId source,
        StorageElementId target,
        TransferState state,
        int progressPercent,
        Instant startedAt,
        Instant updatedAt,
        Optional<Instant> finishedAt,
        boolean checksumVerified,
        Optional<String> error) {

    public TransferStatus {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(error, "error");
        if (progressPercent < 0 || progressPercent > 100) {
            throw new IllegalArgumentException("progressPercent must be 0-100, got " + progressPercent);
        }
    }

    /** The share of the protocol that staging the copy stands for, after the source's vote. */
    private static final int STAGING_FROM = 10;
    private static final int STAGING_SHARE = 30;

    /**
     * This status with the progress of a copy being staged now: {@code copied} of {@code expected} bytes read from
     * the source. Only a transaction still preparing whose copy is not staged yet moves; the progress never goes
     * back and reaches the staged mark only once the log says so.
     */
    public TransferStatus withCopiedBytes(long copied, long expected) {
        if (state != TransferState.PREPARING || progressPercent >= STAGING_FROM + STAGING_SHARE || expected <= 0) {
            return this;
        }
        long share = Math.min(STAGING_SHARE - 1, Math.max(0, copied) * STAGING_SHARE / expected);
        int during = STAGING_FROM + (int) share;
        if (during <= progressPercent) {
            return this;
        }
        return new TransferStatus(transactionId, fileId, source, target, state, during, startedAt, updatedAt,
                finishedAt, checksumVerified, error);
    }

    /**
     * The status the log tells.
     *
     * @param pendingError the failure that suspended the transaction, known only to the instance driving it
     */
    public static TransferStatus of(TransactionHistory history, Optional<String> pendingError) {
        Begun begun = history.begun();
        TransferState state = history.state();
        Optional<String> error = history.ended().flatMap(TransactionRecord.Ended::reason)
                .or(() -> history.decision().filter(d -> d.verdict() == Verdict.ABORT).flatMap(TransactionRecord.Decided::reason))
                .or(() -> state.finished() ? Optional.empty() : pendingError);
        if (state == TransferState.COMMITTED) {
            error = Optional.empty();
        }
        boolean verified = history.vote(Participant.TARGET).map(TransactionRecord.Voted::yes).orElse(false);
        return new TransferStatus(history.id(), begun.fileId(), begun.source(), begun.target(), state,
                progress(history), history.startedAt(), history.updatedAt(),
                history.ended().map(TransactionRecord.Ended::at), verified, error);
    }

    private static int progress(TransactionHistory history) {
        if (history.ended().isPresent()) {
            return 100;
        }
        if (history.decision().isEmpty()) {
            int done = (history.vote(Participant.SOURCE).isPresent() ? 10 : 0)
                    + (history.completed(Step.TARGET_STAGED) ? 30 : 0)
                    + (history.vote(Participant.TARGET).isPresent() ? 10 : 0);
            return done;
        }
        if (history.decision().get().verdict() == Verdict.ABORT) {
            return 60 + (history.completed(Step.STAGED_DISCARDED) ? 20 : 0) + (history.completed(Step.SOURCE_UNLOCKED) ? 10 : 0);
        }
        int done = 60;
        for (Step step : new Step[] {Step.TARGET_PUBLISHED, Step.SIGNATURE_COPIED, Step.SOURCE_DELETED,
                Step.CATALOGUE_UPDATED, Step.EVENT_PUBLISHED, Step.SOURCE_UNLOCKED}) {
            // A signature staged in phase one needs no copy in phase two.
            boolean signatureMoved = step == Step.SIGNATURE_COPIED && history.completed(Step.SIGNATURE_STAGED);
            done += history.completed(step) || signatureMoved ? 6 : 0;
        }
        return done;
    }
}
