package io.artstore.ingester.core.transfer;

import io.artstore.ingester.core.testing.Faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Health;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.service.TransferCoordinator;
import io.artstore.ingester.core.transfer.TransactionRecord.Decided;
import io.artstore.ingester.core.transfer.TransactionRecord.StepCompleted;
import io.artstore.ingester.core.transfer.TransferFixture.SeededFile;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TransferCoordinatorTest {

    private final TransferFixture fixture = new TransferFixture();
    private final TransferCoordinator coordinator = fixture.coordinator();

    @Test
    void moves_the_file_to_rw_keeping_its_id_attributes_and_signature() {
        SeededFile file = fixture.seed("north wall.pdf");

        TransactionId id = coordinator.begin(file.fileId(), Optional.empty());

        TransferStatus status = coordinator.status(id);
        assertThat(status.state()).isEqualTo(TransferState.COMMITTED);
        assertThat(status.progressPercent()).isEqualTo(100);
        assertThat(status.checksumVerified()).isTrue();
        assertThat(status.error()).isEmpty();
        assertThat(status.finishedAt()).isPresent();
        assertThat(status.source()).isEqualTo(fixture.edit.id());
        assertThat(status.target()).isEqualTo(fixture.rw.id());
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.rw);

        FileAttributes moved = fixture.rw.stat(file.fileId()).orElseThrow();
        FileAttributes original = file.attributes();
        assertThat(moved.storageFilename()).isEqualTo(original.storageFilename());
        assertThat(moved.createdAt()).isEqualTo(original.createdAt());
        assertThat(moved.createdById()).isEqualTo(original.createdById());
        assertThat(moved.createdByUsername()).isEqualTo(original.createdByUsername());
        assertThat(moved.createdByFullname()).isEqualTo(original.createdByFullname());
        assertThat(moved.description()).isEqualTo(original.description());
        assertThat(moved.version()).isEqualTo(original.version());
        assertThat(moved.metadata()).containsEntry("project", "north-wing");
        assertThat(moved.metadata().get("ingester")).asInstanceOf(MAP)
                .containsEntry("original_checksum", file.checksum().hex())
                .containsEntry("original_size", file.content().length)
                .containsEntry("retention_policy", "permanent")
                .containsEntry("transferred_from", "local-edit")
                .containsEntry("transfer_id", id.toString())
                .doesNotContainKey("ttl_expires_at");
        assertThat(moved.content().originalChecksum()).isEqualTo(file.checksum());

        assertThat(fixture.events.published()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(FileEvent.Type.FILE_TRANSFERRED);
            assertThat(event.elementId()).isEqualTo(fixture.rw.id());
            assertThat(event.mode()).isEqualTo(Mode.RW);
            assertThat(event.checksum()).isEqualTo(file.checksum());
            assertThat(event.attributes()).as("the catalogue's record of the moved file").hasValueSatisfying(attributes -> {
                assertThat(attributes.originalFilename()).isEqualTo(original.originalFilename());
                assertThat(attributes.description()).isEqualTo(original.description());
                assertThat(attributes.createdByUsername()).isEqualTo(original.createdByUsername());
                assertThat(attributes.createdAt()).isEqualTo(original.createdAt());
                assertThat(attributes.metadata()).containsEntry("project", "north-wing").doesNotContainKey("ingester");
                assertThat(attributes.retention()).isEqualTo(RetentionPolicy.PERMANENT);
                assertThat(attributes.ttlExpiresAt()).isEmpty();
            });
        });
    }

    @Test
    void logs_the_decision_before_any_step_of_phase_two() {
        SeededFile file = fixture.seed("plan.pdf");

        TransactionId id = coordinator.begin(file.fileId(), Optional.empty());

        List<TransactionRecord> records = fixture.log.load(id);
        int decision = indexOf(records, record -> record instanceof Decided d && d.verdict() == Verdict.COMMIT);
        int published = indexOf(records, record -> record instanceof StepCompleted s && s.step() == Step.TARGET_PUBLISHED);
        assertThat(decision).isPositive().isLessThan(published);
        assertThat(fixture.log.findByFile(file.fileId())).containsExactly(id);
        assertThat(records.get(records.size() - 1)).isInstanceOf(TransactionRecord.Ended.class);
    }

    @Test
    void transfers_a_file_without_signature() {
        SeededFile file = fixture.seed("raw.bin", new byte[] {1, 2, 3, 4, 5}, false);

        TransactionId id = coordinator.begin(file.fileId(), Optional.empty());

        assertThat(coordinator.status(id).state()).isEqualTo(TransferState.COMMITTED);
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.rw);
        assertThat(fixture.rw.sidecar(file.fileId(), TransferCoordinator.SIGNATURE_SUFFIX)).isEmpty();
    }

    @Test
    void goes_to_the_named_target() {
        SeededFile file = fixture.seed("named.pdf");

        TransactionId id = coordinator.begin(file.fileId(), Optional.of(fixture.rw.id()));

        assertThat(coordinator.status(id).target()).isEqualTo(fixture.rw.id());
    }

    @Test
    void refuses_an_unknown_file_with_404() {
        assertRefused(() -> coordinator.begin(FileId.random(), Optional.empty()), Kind.NOT_FOUND, "file_not_found");
    }

    @Test
    void refuses_a_file_not_on_an_edit_element_with_409() {
        SeededFile file = fixture.seed("moved.pdf");
        coordinator.begin(file.fileId(), Optional.empty());

        assertRefused(() -> coordinator.begin(file.fileId(), Optional.empty()), Kind.CONFLICT, "wrong_mode");
    }

    @Test
    void refuses_a_target_that_is_not_rw_with_409() {
        SeededFile file = fixture.seed("wrong-target.pdf");

        assertRefused(() -> coordinator.begin(file.fileId(), Optional.of(fixture.edit.id())), Kind.CONFLICT, "wrong_mode");
        fixture.assertConsistent(file);
    }

    @Test
    void refuses_a_locked_file_with_409_naming_the_operation() {
        SeededFile file = fixture.seed("locked.pdf");
        fixture.locks.tryLock(file.fileId(), Locks.Operation.DELETE, "someone");

        assertThatThrownBy(() -> coordinator.begin(file.fileId(), Optional.empty()))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("file_locked");
                })
                .hasMessageContaining("delete");
        assertThat(fixture.log.findByFile(file.fileId())).isEmpty();
    }

    @Test
    void refuses_with_507_when_no_rw_element_has_room_and_leaves_the_file_unlocked() {
        SeededFile file = fixture.seed("big.pdf");
        fixture.rw.capacity(file.content().length - 1);

        assertRefused(() -> coordinator.begin(file.fileId(), Optional.empty()), Kind.INSUFFICIENT_STORAGE, "insufficient_storage");
        fixture.assertConsistent(file);
        assertThat(fixture.edit.holds(file.fileId())).isTrue();
    }

    @Test
    void refuses_with_503_when_no_rw_element_is_reachable() {
        SeededFile file = fixture.seed("far.pdf");
        fixture.rw.health(Health.UNAVAILABLE);

        assertRefused(() -> coordinator.begin(file.fileId(), Optional.empty()), Kind.UNAVAILABLE, "storage_unavailable");
        fixture.assertConsistent(file);
    }

    @Test
    void aborts_when_the_staged_copy_does_not_match() {
        SeededFile file = fixture.seed("bitrot.pdf");
        fixture.rw.corruptStaging(true);

        TransactionId id = coordinator.begin(file.fileId(), Optional.empty());

        TransferStatus status = coordinator.status(id);
        assertThat(status.state()).isEqualTo(TransferState.ABORTED);
        assertThat(status.checksumVerified()).isFalse();
        assertThat(status.error()).hasValueSatisfying(error -> assertThat(error).contains("target voted no", "SHA-256"));
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.edit);
        assertThat(fixture.transferEvents(file.fileId())).isZero();
    }

    /** The copy is hashed as the target reads it: a target that stops early cannot pass for a whole copy. */
    @Test
    void aborts_when_the_target_stops_reading_before_the_end() {
        SeededFile file = fixture.seed("half-read.pdf");
        fixture.rw.stageReadsAtMost(10);

        TransactionId id = coordinator.begin(file.fileId(), Optional.empty());

        TransferStatus status = coordinator.status(id);
        assertThat(status.state()).isEqualTo(TransferState.ABORTED);
        assertThat(status.error()).hasValueSatisfying(error -> assertThat(error).contains("after reading only 10"));
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.edit);
        assertThat(fixture.transferEvents(file.fileId())).isZero();
    }

    @Test
    void ends_heuristic_when_the_target_copy_vanishes_after_the_commit_decision() {
        SeededFile file = fixture.seed("vanishing.pdf");
        int decision = fixture.callIndex(file, "log.append:Decided");
        fixture.faults.arm(decision, Faults.Kind.CRASH_AFTER);
        assertThatThrownBy(() -> coordinator.begin(file.fileId(), Optional.empty())).isInstanceOf(Faults.SimulatedCrash.class);
        fixture.rw.loseStaged(file.fileId());

        List<TransferStatus> recovered = fixture.coordinator().recover();

        assertThat(recovered).singleElement().satisfies(status -> {
            assertThat(status.state()).isEqualTo(TransferState.HEURISTIC);
            assertThat(status.error()).hasValueSatisfying(error -> assertThat(error).contains("vanished", "operator"));
        });
        // The source copy is kept, so the file is still whole where the catalogue says.
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.edit);
    }

    @Test
    void suspends_when_a_phase_two_step_fails_and_recovery_finishes_it() {
        SeededFile file = fixture.seed("flaky.pdf");
        fixture.faults.arm(fixture.callIndex(file, "local-edit.delete"), Faults.Kind.FAIL);

        TransactionId id = coordinator.begin(file.fileId(), Optional.empty());

        TransferStatus suspended = coordinator.status(id);
        assertThat(suspended.state()).isEqualTo(TransferState.COMMITTING);
        assertThat(suspended.error()).hasValueSatisfying(error -> assertThat(error).contains("injected failure"));
        assertThat(fixture.locks.isLocked(file.fileId())).isTrue();

        coordinator.recover();

        assertThat(coordinator.status(id).state()).isEqualTo(TransferState.COMMITTED);
        assertThat(coordinator.status(id).error()).isEmpty();
        assertThat(fixture.assertConsistent(file)).isSameAs(fixture.rw);
    }

    @Test
    void start_then_run_is_begin_in_two_parts_and_recovery_leaves_a_started_transaction_alone() {
        SeededFile file = fixture.seed("two-part.pdf");

        TransactionId id = coordinator.start(file.fileId(), Optional.empty());
        assertThat(coordinator.status(id).state()).isEqualTo(TransferState.PREPARING);
        assertThat(coordinator.recover()).isEmpty();
        TransferStatus status = coordinator.run(id);

        assertThat(status.state()).isEqualTo(TransferState.COMMITTED);
        fixture.assertConsistent(file);
    }

    @Test
    void status_of_an_unknown_transaction_is_404() {
        assertRefused(() -> coordinator.status(TransactionId.random()), Kind.NOT_FOUND, "transfer_not_found");
    }

    @Test
    void recovery_releases_a_lock_whose_transaction_was_never_logged() {
        SeededFile file = fixture.seed("orphan.pdf");
        fixture.locks.tryLock(file.fileId(), Locks.Operation.TRANSFER, TransactionId.random().toString());
        fixture.locks.tryLock(FileId.random(), Locks.Operation.DELETE, "a-delete");

        fixture.coordinator().recover();

        assertThat(fixture.locks.isLocked(file.fileId())).isFalse();
        assertThat(fixture.locks.held()).singleElement().extracting(Locks.Lock::owner).isEqualTo("a-delete");
    }

    private static void assertRefused(ThrowingCallable call, Kind kind, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IngestException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    private static int indexOf(List<TransactionRecord> records, java.util.function.Predicate<TransactionRecord> test) {
        for (int i = 0; i < records.size(); i++) {
            if (test.test(records.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
