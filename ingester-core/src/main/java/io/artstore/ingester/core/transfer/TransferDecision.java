package io.artstore.ingester.core.transfer;

import java.util.Objects;

/** The one thing the coordinator should do next for a transaction. */
public sealed interface TransferDecision {

    /** Check the source still holds the file with the expected checksum and the lock is ours; log its vote. */
    record PrepareSource() implements TransferDecision {}

    /** Stream the source's bytes into a staged copy on the target. */
    record StageOnTarget() implements TransferDecision {}

    /** Stage the source's detached signature, if it has one, beside the staged copy on the target. */
    record StageSignature() implements TransferDecision {}

    /** Compare the staged copy's checksum with the source's; log the target's vote. */
    record VerifyTarget() implements TransferDecision {}

    /** Log the decision durably (forced) before anything of phase two happens. */
    record LogDecision(Verdict verdict, String reason) implements TransferDecision {
        public LogDecision {
            Objects.requireNonNull(verdict, "verdict");
            Objects.requireNonNull(reason, "reason");
        }
    }

    record PublishTarget() implements TransferDecision {}

    /**
     * Copy the detached signature, if the source has one, beside the published target copy: only for a transaction
     * that staged its copy before signatures were staged in phase one.
     */
    record CopySignature() implements TransferDecision {}

    /** Delete the source copy and its signature, once the target holds an intact copy. */
    record DeleteSource() implements TransferDecision {}

    record UpdateCatalogue() implements TransferDecision {}

    record PublishEvent() implements TransferDecision {}

    record DiscardStaged() implements TransferDecision {}

    record UnlockSource() implements TransferDecision {}

    /** Log the end with this outcome. */
    record LogEnd(TransferState outcome) implements TransferDecision {
        public LogEnd {
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** Stop for now: a phase-two action failed; the recovery sweep retries it later. */
    record Suspend(String reason) implements TransferDecision {
        public Suspend {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The outcome cannot be made consistent automatically: release the source and log a heuristic end. */
    record Heuristic(String reason) implements TransferDecision {
        public Heuristic {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The transaction has ended with this outcome; nothing is left to do. */
    record Done(TransferState outcome) implements TransferDecision {
        public Done {
            Objects.requireNonNull(outcome, "outcome");
        }
    }
}
