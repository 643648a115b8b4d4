package io.artstore.ingester.core.transfer;

import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.ABORT;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.CATALOGUED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.COMMIT;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.DELETED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.DISCARDED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.ENDED_ABORTED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.ENDED_COMMITTED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.ENDED_HEURISTIC;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.EVENT;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.PUBLISHED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.SIGNATURE_STAGED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.SIGNED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.SOURCE_NO;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.SOURCE_YES;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.STAGED;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.TARGET_NO;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.TARGET_YES;
import static io.artstore.ingester.core.transfer.TransferStateMachineTest.Entry.UNLOCKED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
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
import io.artstore.ingester.core.transfer.TransferDecision.Suspend;
import io.artstore.ingester.core.transfer.TransferDecision.UnlockSource;
import io.artstore.ingester.core.transfer.TransferDecision.UpdateCatalogue;
import io.artstore.ingester.core.transfer.TransferDecision.StageSignature;
import io.artstore.ingester.core.transfer.TransferDecision.VerifyTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every point a transaction's log can reach, against every signal the coordinator can bring: the next decision
 * and the state the log tells. A crash is the {@code Recovering} signal on whatever log it left.
 */
class TransferStateMachineTest {

    private static final TransactionId TX = TransactionId.random();
    private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");
    private static final String FAILURE = "rw unreachable";
    private static final String MISSING = "copy gone";

    /** What the log holds after its begin record. */
    enum Entry {
        SOURCE_YES, SOURCE_NO, STAGED, SIGNATURE_STAGED, TARGET_YES, TARGET_NO, COMMIT, ABORT, PUBLISHED, SIGNED, DELETED, CATALOGUED,
        EVENT, DISCARDED, UNLOCKED, ENDED_COMMITTED, ENDED_ABORTED, ENDED_HEURISTIC;

        TransactionRecord record() {
            return switch (this) {
                case SOURCE_YES -> vote(Participant.SOURCE, true);
                case SOURCE_NO -> vote(Participant.SOURCE, false);
                case TARGET_YES -> vote(Participant.TARGET, true);
                case TARGET_NO -> vote(Participant.TARGET, false);
                case STAGED -> step(Step.TARGET_STAGED);
                case SIGNATURE_STAGED -> step(Step.SIGNATURE_STAGED);
                case COMMIT -> new TransactionRecord.Decided(TX, Verdict.COMMIT, Optional.empty(), AT);
                case ABORT -> new TransactionRecord.Decided(TX, Verdict.ABORT, Optional.of("aborted"), AT);
                case PUBLISHED -> step(Step.TARGET_PUBLISHED);
                case SIGNED -> step(Step.SIGNATURE_COPIED);
                case DELETED -> step(Step.SOURCE_DELETED);
                case CATALOGUED -> step(Step.CATALOGUE_UPDATED);
                case EVENT -> step(Step.EVENT_PUBLISHED);
                case DISCARDED -> step(Step.STAGED_DISCARDED);
                case UNLOCKED -> step(Step.SOURCE_UNLOCKED);
                case ENDED_COMMITTED -> ended(TransferState.COMMITTED);
                case ENDED_ABORTED -> ended(TransferState.ABORTED);
                case ENDED_HEURISTIC -> ended(TransferState.HEURISTIC);
            };
        }
    }

    /** The signals, in the order of a row's expectations. */
    private static final List<Signal> SIGNALS = List.of(Signal.PROCEED, Signal.RECOVERING, new Signal.Failed(FAILURE),
            new Signal.Missing(Participant.SOURCE, MISSING), new Signal.Missing(Participant.TARGET, MISSING));

    static Stream<Arguments> table() {
        TransferDecision commit = new LogDecision(Verdict.COMMIT, "");
        TransferDecision abort = new LogDecision(Verdict.ABORT, "");
        TransferDecision suspend = new Suspend(FAILURE);
        TransferDecision heuristic = new Heuristic(MISSING);
        List<Row> rows = List.of(
                // log after begin                       state          proceed               recovering            failed     missing source        missing target
                row(log(),                               "PREPARING",   new PrepareSource(),  abort,                abort,     abort,                abort),
                row(log(SOURCE_NO),                      "PREPARING",   abort,                abort,                abort,     abort,                abort),
                row(log(SOURCE_YES),                     "PREPARING",   new StageOnTarget(),  abort,                abort,     abort,                abort),
                row(log(SOURCE_YES, STAGED),             "PREPARING",   new StageSignature(), abort,                abort,     abort,                abort),
                row(log(SOURCE_YES, STAGED, SIGNATURE_STAGED),
                                                         "PREPARING",   new VerifyTarget(),   abort,                abort,     abort,                abort),
                row(log(SOURCE_YES, STAGED, TARGET_NO),  "PREPARING",   abort,                abort,                abort,     abort,                abort),
                row(prepared(),                          "PREPARED",    commit,               abort,                abort,     abort,                abort),
                // the first vote of a participant counts
                row(log(SOURCE_NO, SOURCE_YES),          "PREPARING",   abort,                abort,                abort,     abort,                abort),
                // commit: each step in turn; failures suspend, a missing target is heuristic, a missing source is expected
                row(prepared(COMMIT),                    "COMMITTING",  new PublishTarget(),  new PublishTarget(),  suspend,   new PublishTarget(),  heuristic),
                // the signature was staged in phase one and published with the copy: nothing to copy
                row(prepared(COMMIT, PUBLISHED),         "COMMITTING",  new DeleteSource(),   new DeleteSource(),   suspend,   new DeleteSource(),   heuristic),
                // a transaction logged before signatures were staged in phase one copies it after publishing
                row(preparedWithoutSignature(COMMIT, PUBLISHED),
                                                         "COMMITTING",  new CopySignature(),  new CopySignature(),  suspend,   new CopySignature(),  heuristic),
                row(preparedWithoutSignature(COMMIT, PUBLISHED, SIGNED),
                                                         "COMMITTING",  new DeleteSource(),   new DeleteSource(),   suspend,   new DeleteSource(),   heuristic),
                row(prepared(COMMIT, PUBLISHED, SIGNED, DELETED),
                                                         "COMMITTING",  new UpdateCatalogue(), new UpdateCatalogue(), suspend, new UpdateCatalogue(), heuristic),
                row(prepared(COMMIT, PUBLISHED, SIGNED, DELETED, CATALOGUED),
                                                         "COMMITTING",  new PublishEvent(),   new PublishEvent(),   suspend,   new PublishEvent(),   heuristic),
                row(prepared(COMMIT, PUBLISHED, SIGNED, DELETED, CATALOGUED, EVENT),
                                                         "COMMITTING",  new UnlockSource(),   new UnlockSource(),   suspend,   new UnlockSource(),   heuristic),
                row(prepared(COMMIT, PUBLISHED, SIGNED, DELETED, CATALOGUED, EVENT, UNLOCKED),
                                                         "COMMITTING",  committed(),          committed(),          suspend,   committed(),          heuristic),
                // abort, decided at each point of phase one
                row(log(ABORT),                          "ABORTING",    new DiscardStaged(),  new DiscardStaged(),  suspend,   new DiscardStaged(),  new DiscardStaged()),
                row(log(SOURCE_NO, ABORT),               "ABORTING",    new DiscardStaged(),  new DiscardStaged(),  suspend,   new DiscardStaged(),  new DiscardStaged()),
                row(log(SOURCE_YES, STAGED, ABORT),      "ABORTING",    new DiscardStaged(),  new DiscardStaged(),  suspend,   new DiscardStaged(),  new DiscardStaged()),
                row(prepared(ABORT),                     "ABORTING",    new DiscardStaged(),  new DiscardStaged(),  suspend,   new DiscardStaged(),  new DiscardStaged()),
                row(prepared(ABORT, DISCARDED),          "ABORTING",    new UnlockSource(),   new UnlockSource(),   suspend,   new UnlockSource(),   new UnlockSource()),
                row(prepared(ABORT, DISCARDED, UNLOCKED), "ABORTING",   aborted(),            aborted(),            suspend,   aborted(),            aborted()),
                // the first decision logged wins
                row(prepared(ABORT, COMMIT),             "ABORTING",    new DiscardStaged(),  new DiscardStaged(),  suspend,   new DiscardStaged(),  new DiscardStaged()),
                row(prepared(COMMIT, ABORT),             "COMMITTING",  new PublishTarget(),  new PublishTarget(),  suspend,   new PublishTarget(),  heuristic),
                // ended: nothing more, whatever is signalled
                row(prepared(COMMIT, PUBLISHED, SIGNED, DELETED, CATALOGUED, EVENT, UNLOCKED, ENDED_COMMITTED),
                                                         "COMMITTED",   done(TransferState.COMMITTED), done(TransferState.COMMITTED),
                                                                        done(TransferState.COMMITTED), done(TransferState.COMMITTED),
                                                                        done(TransferState.COMMITTED)),
                row(prepared(ABORT, DISCARDED, UNLOCKED, ENDED_ABORTED),
                                                         "ABORTED",     done(TransferState.ABORTED), done(TransferState.ABORTED),
                                                                        done(TransferState.ABORTED), done(TransferState.ABORTED),
                                                                        done(TransferState.ABORTED)),
                row(prepared(COMMIT, ENDED_HEURISTIC),   "HEURISTIC",   done(TransferState.HEURISTIC), done(TransferState.HEURISTIC),
                                                                        done(TransferState.HEURISTIC), done(TransferState.HEURISTIC),
                                                                        done(TransferState.HEURISTIC)));
        return rows.stream().flatMap(Row::cases);
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @MethodSource("table")
    void decides_from_the_log_and_the_signal(List<Entry> entries, Signal signal, TransferDecision expected,
            TransferState state) {
        List<TransactionRecord> records = records(entries);

        TransferDecision decision = TransferStateMachine.next(records, signal);

        assertThat(TransactionHistory.of(records).state()).isEqualTo(state);
        assertThat(decision).hasSameClassAs(expected);
        if (expected instanceof LogDecision wanted) {
            assertThat(((LogDecision) decision).verdict()).isEqualTo(wanted.verdict());
            assertThat(((LogDecision) decision).reason()).isNotBlank();
        } else if (expected instanceof Suspend || expected instanceof Heuristic) {
            assertThat(decision.toString()).contains(expected instanceof Suspend ? FAILURE : MISSING);
        } else {
            assertThat(decision).isEqualTo(expected);
        }
    }

    @Test
    void an_abort_decision_says_which_participant_refused_and_why() {
        TransferDecision decision = TransferStateMachine.next(records(log(SOURCE_YES, STAGED, TARGET_NO)), Signal.PROCEED);

        assertThat(decision).isInstanceOfSatisfying(LogDecision.class,
                logged -> assertThat(logged.reason()).contains("target voted no", "checksum differs"));
    }

    @Test
    void a_recovered_transaction_without_decision_is_presumed_aborted() {
        TransferDecision decision = TransferStateMachine.next(records(log(SOURCE_YES, STAGED, TARGET_YES)), Signal.RECOVERING);

        assertThat(decision).isInstanceOfSatisfying(LogDecision.class, logged -> {
            assertThat(logged.verdict()).isEqualTo(Verdict.ABORT);
            assertThat(logged.reason()).contains("presumed abort");
        });
    }

    @Test
    void driving_from_any_point_with_every_action_succeeding_ends_within_a_bounded_number_of_steps() {
        for (List<Entry> start : List.of(log(), log(SOURCE_YES), log(SOURCE_YES, STAGED), prepared(), prepared(COMMIT),
                prepared(COMMIT, PUBLISHED), preparedWithoutSignature(COMMIT, PUBLISHED), log(ABORT),
                prepared(ABORT, DISCARDED))) {
            for (Signal first : List.of(Signal.PROCEED, Signal.RECOVERING)) {
                List<TransactionRecord> records = new ArrayList<>(records(start));
                Signal signal = first;
                TransferDecision decision = TransferStateMachine.next(records, signal);
                int steps = 0;
                while (!(decision instanceof Done)) {
                    assertThat(steps++).as("from %s on %s", start, first).isLessThan(20);
                    records.add(perfectOutcome(decision));
                    decision = TransferStateMachine.next(records, Signal.PROCEED);
                }
                TransferState expected = first instanceof Signal.Recovering && !start.contains(COMMIT)
                        ? TransferState.ABORTED
                        : start.contains(ABORT) ? TransferState.ABORTED : TransferState.COMMITTED;
                assertThat(((Done) decision).outcome()).as("from %s on %s", start, first).isEqualTo(expected);
            }
        }
    }

    @Test
    void a_log_must_start_with_its_begin_record_and_hold_one_transaction() {
        assertThatThrownBy(() -> TransferStateMachine.next(List.of(), Signal.PROCEED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransferStateMachine.next(List.of(SOURCE_YES.record()), Signal.PROCEED))
                .isInstanceOf(IllegalArgumentException.class);
        TransactionRecord foreign = new TransactionRecord.StepCompleted(TransactionId.random(), Step.TARGET_STAGED, AT);
        assertThatThrownBy(() -> TransferStateMachine.next(List.of(begun(), foreign), Signal.PROCEED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** What the log gains when the decided action succeeds. */
    private static TransactionRecord perfectOutcome(TransferDecision decision) {
        if (decision instanceof PrepareSource) {
            return SOURCE_YES.record();
        } else if (decision instanceof StageOnTarget) {
            return STAGED.record();
        } else if (decision instanceof StageSignature) {
            return SIGNATURE_STAGED.record();
        } else if (decision instanceof VerifyTarget) {
            return TARGET_YES.record();
        } else if (decision instanceof LogDecision logged) {
            return logged.verdict() == Verdict.COMMIT ? COMMIT.record() : ABORT.record();
        } else if (decision instanceof PublishTarget) {
            return PUBLISHED.record();
        } else if (decision instanceof CopySignature) {
            return SIGNED.record();
        } else if (decision instanceof DeleteSource) {
            return DELETED.record();
        } else if (decision instanceof UpdateCatalogue) {
            return CATALOGUED.record();
        } else if (decision instanceof PublishEvent) {
            return EVENT.record();
        } else if (decision instanceof DiscardStaged) {
            return DISCARDED.record();
        } else if (decision instanceof UnlockSource) {
            return UNLOCKED.record();
        } else if (decision instanceof LogEnd end) {
            return ended(end.outcome());
        }
        throw new AssertionError("no outcome for " + decision);
    }

    private record Row(List<Entry> entries, TransferState state, List<TransferDecision> expected) {
        Stream<Arguments> cases() {
            List<Arguments> cases = new ArrayList<>();
            for (int i = 0; i < SIGNALS.size(); i++) {
                cases.add(Arguments.of(entries, SIGNALS.get(i), expected.get(i), state));
            }
            return cases.stream();
        }
    }

    private static Row row(List<Entry> entries, String state, TransferDecision... expected) {
        return new Row(entries, TransferState.valueOf(state), Arrays.asList(expected));
    }

    private static List<Entry> log(Entry... entries) {
        return List.of(entries);
    }

    private static List<Entry> prepared(Entry... more) {
        List<Entry> entries = new ArrayList<>(List.of(SOURCE_YES, STAGED, SIGNATURE_STAGED, TARGET_YES));
        entries.addAll(List.of(more));
        return entries;
    }

    /** Phase one as logged before signatures were staged in it. */
    private static List<Entry> preparedWithoutSignature(Entry... more) {
        List<Entry> entries = new ArrayList<>(List.of(SOURCE_YES, STAGED, TARGET_YES));
        entries.addAll(List.of(more));
        return entries;
    }

    private static TransferDecision committed() {
        return new LogEnd(TransferState.COMMITTED);
    }

    private static TransferDecision aborted() {
        return new LogEnd(TransferState.ABORTED);
    }

    private static TransferDecision done(TransferState outcome) {
        return new Done(outcome);
    }

    private static List<TransactionRecord> records(List<Entry> entries) {
        List<TransactionRecord> records = new ArrayList<>();
        records.add(begun());
        entries.forEach(entry -> records.add(entry.record()));
        return records;
    }

    private static TransactionRecord begun() {
        return new TransactionRecord.Begun(TX, FileId.random(), StorageElementId.of("local-edit"),
                StorageElementId.of("local-rw"), Sha256.parse("a".repeat(64)), 10, 1, AT);
    }

    private static TransactionRecord vote(Participant participant, boolean yes) {
        return new TransactionRecord.Voted(TX, participant, yes, yes ? Optional.empty() : Optional.of("checksum differs"), AT);
    }

    private static TransactionRecord step(Step step) {
        return new TransactionRecord.StepCompleted(TX, step, AT);
    }

    private static TransactionRecord ended(TransferState outcome) {
        return new TransactionRecord.Ended(TX, outcome, Optional.empty(), AT);
    }
}
