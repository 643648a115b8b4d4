package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.transfer.TransactionRecord.Decided;
import io.artstore.ingester.core.transfer.TransactionRecord.Ended;
import io.artstore.ingester.core.transfer.TransactionRecord.Voted;
import io.artstore.ingester.core.transfer.TransferDecision.CopySignature;
import io.artstore.ingester.core.transfer.TransferDecision.DeleteSource;
import io.artstore.ingester.core.transfer.TransferDecision.DiscardStaged;
import io.artstore.ingester.core.transfer.TransferDecision.Done;
import io.artstore.ingester.core.transfer.TransferDecision.Heuristic;
import io.artstore.ingester.core.transfer.TransferDecision.LogDecision;
import io.artstore.ingester.core.transfer.TransferDecision.LogEnd;
import io.artstore.ingester.core.transfer.TransferDecision.PrepareSource;
import io.artstore.ingester.core.transfer.TransferDecision.PublishEvent;
import io.artstore.ingester.core.transfer.TransferDecision.PublishTarget;
import io.artstore.ingester.core.transfer.TransferDecision.StageOnTarget;
import io.artstore.ingester.core.transfer.TransferDecision.StageSignature;
import io.artstore.ingester.core.transfer.TransferDecision.Suspend;
import io.artstore.ingester.core.transfer.TransferDecision.UnlockSource;
import io.artstore.ingester.core.transfer.TransferDecision.UpdateCatalogue;
import io.artstore.ingester.core.transfer.TransferDecision.VerifyTarget;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The two-phase-commit protocol of a transfer, as a pure function: given the transaction's log and what the
 * last action signalled, it returns the next decision. No I/O, no clock, no state.
 *
 * <ul>
 *   <li>Phase one: prepare the source (vote), stage on the target, stage the signature beside it, verify the staged
 *       copy (vote). Any no vote or failure decides abort; two yes votes decide commit.
 *   <li>Presumed abort: a transaction found without a decision while recovering is aborted.
 *   <li>Commit: publish the target (with its signature), delete the source, update the catalogue, publish the
 *       event, unlock, end. A failure suspends (recovery retries); a target copy that has gone missing cannot be
 *       repaired automatically and ends the transaction as heuristic.
 *   <li>Abort: discard the staged copy and signature, unlock, end. Failures suspend; missing copies are what abort wants.
 * </ul>
 */
public final class TransferStateMachine {

    private TransferStateMachine() {}

    public static TransferDecision next(List<TransactionRecord> log, Signal signal) {
        return next(TransactionHistory.of(log), signal);
    }

    public static TransferDecision next(TransactionHistory history, Signal signal) {
        Optional<Ended> ended = history.ended();
        if (ended.isPresent()) {
            return new Done(ended.get().outcome());
        }
        Optional<Decided> decision = history.decision();
        if (decision.isEmpty()) {
            return prepare(history, signal);
        }
        return decision.get().verdict() == Verdict.COMMIT ? commit(history, signal) : abort(history, signal);
    }

    private static TransferDecision prepare(TransactionHistory history, Signal signal) {
        if (signal instanceof Signal.Recovering) {
            return new LogDecision(Verdict.ABORT, "no decision was logged before the restart (presumed abort)");
        }
        if (signal instanceof Signal.Failed failed) {
            return new LogDecision(Verdict.ABORT, failed.reason());
        }
        if (signal instanceof Signal.Missing missing) {
            return new LogDecision(Verdict.ABORT, missing.reason());
        }
        Optional<Voted> refusal = history.refusal();
        if (refusal.isPresent()) {
            return new LogDecision(Verdict.ABORT, refusal.get().participant().name().toLowerCase(Locale.ROOT)
                    + " voted no: " + refusal.get().reason().orElse("no reason given"));
        }
        if (history.vote(Participant.SOURCE).isEmpty()) {
            return new PrepareSource();
        }
        if (!history.completed(Step.TARGET_STAGED)) {
            return new StageOnTarget();
        }
        if (!history.completed(Step.SIGNATURE_STAGED)) {
            return new StageSignature();
        }
        if (history.vote(Participant.TARGET).isEmpty()) {
            return new VerifyTarget();
        }
        return new LogDecision(Verdict.COMMIT, "both participants voted yes");
    }

    private static TransferDecision commit(TransactionHistory history, Signal signal) {
        if (signal instanceof Signal.Missing missing) {
            if (missing.participant() == Participant.TARGET) {
                return new Heuristic(missing.reason());
            }
            // The source is expected to go in phase two; its absence alone changes nothing.
        }
        if (signal instanceof Signal.Failed failed) {
            return new Suspend(failed.reason());
        }
        if (!history.completed(Step.TARGET_PUBLISHED)) {
            return new PublishTarget();
        }
        // A transaction logged before signatures were staged in phase one copies it now.
        if (!history.completed(Step.SIGNATURE_STAGED) && !history.completed(Step.SIGNATURE_COPIED)) {
            return new CopySignature();
        }
        if (!history.completed(Step.SOURCE_DELETED)) {
            return new DeleteSource();
        }
        if (!history.completed(Step.CATALOGUE_UPDATED)) {
            return new UpdateCatalogue();
        }
        if (!history.completed(Step.EVENT_PUBLISHED)) {
            return new PublishEvent();
        }
        if (!history.completed(Step.SOURCE_UNLOCKED)) {
            return new UnlockSource();
        }
        return new LogEnd(TransferState.COMMITTED);
    }

    private static TransferDecision abort(TransactionHistory history, Signal signal) {
        if (signal instanceof Signal.Failed failed) {
            return new Suspend(failed.reason());
        }
        if (!history.completed(Step.STAGED_DISCARDED)) {
            return new DiscardStaged();
        }
        if (!history.completed(Step.SOURCE_UNLOCKED)) {
            return new UnlockSource();
        }
        return new LogEnd(TransferState.ABORTED);
    }
}
