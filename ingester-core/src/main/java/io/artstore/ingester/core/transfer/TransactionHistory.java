package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.transfer.TransactionRecord.Begun;
import io.artstore.ingester.core.transfer.TransactionRecord.Decided;
import io.artstore.ingester.core.transfer.TransactionRecord.Ended;
import io.artstore.ingester.core.transfer.TransactionRecord.StepCompleted;
import io.artstore.ingester.core.transfer.TransactionRecord.Voted;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One transaction's log read as facts: what began, how each participant voted (the first vote counts), the
 * decision (the first one logged wins), which steps completed, and how it ended.
 */
public final class TransactionHistory {

    private final List<TransactionRecord> records;
    private final Begun begun;
    private final Map<Participant, Voted> votes = new EnumMap<>(Participant.class);
    private final Set<Step> completed = EnumSet.noneOf(Step.class);
    private Decided decision;
    private Ended ended;

    private TransactionHistory(List<TransactionRecord> records) {
        this.records = List.copyOf(records);
        if (this.records.isEmpty() || !(this.records.get(0) instanceof Begun first)) {
            throw new IllegalArgumentException("a transaction's log starts with its begin record");
        }
        this.begun = first;
        for (TransactionRecord record : this.records) {
            if (!record.transactionId().equals(begun.transactionId())) {
                throw new IllegalArgumentException("record of transaction " + record.transactionId()
                        + " in the log of " + begun.transactionId());
            }
            if (record instanceof Voted vote) {
                votes.putIfAbsent(vote.participant(), vote);
            } else if (record instanceof Decided decided && decision == null) {
                decision = decided;
            } else if (record instanceof StepCompleted step) {
                completed.add(step.step());
            } else if (record instanceof Ended end && ended == null) {
                ended = end;
            }
        }
    }

    /** @throws IllegalArgumentException when the records do not start with a begin or mix transactions */
    public static TransactionHistory of(List<TransactionRecord> records) {
        return new TransactionHistory(records);
    }

    public List<TransactionRecord> records() {
        return records;
    }

    public Begun begun() {
        return begun;
    }

    public TransactionId id() {
        return begun.transactionId();
    }

    public Optional<Voted> vote(Participant participant) {
        return Optional.ofNullable(votes.get(participant));
    }

    public Optional<Decided> decision() {
        return Optional.ofNullable(decision);
    }

    public boolean completed(Step step) {
        return completed.contains(step);
    }

    public Optional<Ended> ended() {
        return Optional.ofNullable(ended);
    }

    public Instant startedAt() {
        return begun.at();
    }

    public Instant updatedAt() {
        return records.get(records.size() - 1).at();
    }

    /** The first no vote, if any. */
    public Optional<Voted> refusal() {
        return votes.values().stream().filter(vote -> !vote.yes()).findFirst();
    }

    public boolean allVotedYes() {
        return votes.size() == Participant.values().length && votes.values().stream().allMatch(Voted::yes);
    }

    public TransferState state() {
        if (ended != null) {
            return ended.outcome();
        }
        if (decision != null) {
            return decision.verdict() == Verdict.COMMIT ? TransferState.COMMITTING : TransferState.ABORTING;
        }
        return allVotedYes() ? TransferState.PREPARED : TransferState.PREPARING;
    }
}
