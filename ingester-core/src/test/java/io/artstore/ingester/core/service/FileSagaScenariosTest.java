package io.artstore.ingester.core.service;

import static io.artstore.ingester.core.saga.SagaState.COMPENSATED;
import static io.artstore.ingester.core.saga.SagaState.COMPLETED;
import static io.artstore.ingester.core.saga.SagaState.FAILED_COMPENSATION;
import static io.artstore.ingester.core.saga.testing.SagaScenario.given;
import static io.artstore.ingester.core.service.AddFileSaga.PUBLISH_FILE_ADDED;
import static io.artstore.ingester.core.service.AddFileSaga.PUBLISH_STORED;
import static io.artstore.ingester.core.service.AddFileSaga.RECORD_IN_CATALOGUE;
import static io.artstore.ingester.core.service.AddFileSaga.REGISTER_FILE;
import static io.artstore.ingester.core.service.AddFileSaga.RELEASE_SPACE;
import static io.artstore.ingester.core.service.AddFileSaga.RESERVE_SPACE;
import static io.artstore.ingester.core.service.AddFileSaga.STAGE_CONTENT;
import static io.artstore.ingester.core.service.AddFileSaga.WRITE_SIGNATURE;
import static io.artstore.ingester.core.service.DeleteFileSaga.DELETE_FROM_ELEMENT;
import static io.artstore.ingester.core.service.DeleteFileSaga.DELETE_SIGNATURE;
import static io.artstore.ingester.core.service.DeleteFileSaga.FORGET_FILE;
import static io.artstore.ingester.core.service.DeleteFileSaga.LOCK_FILE;
import static io.artstore.ingester.core.service.DeleteFileSaga.PUBLISH_FILE_DELETED;
import static io.artstore.ingester.core.service.DeleteFileSaga.UNLOCK_FILE;
import static io.artstore.ingester.core.service.DeleteFileSaga.UNREGISTER_FILE;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.Locks;
import io.artstore.ingester.core.saga.SagaState;
import io.artstore.ingester.core.saga.StepDefinition;
import io.artstore.ingester.core.saga.testing.ManualClock;
import io.artstore.ingester.core.saga.testing.SagaScenario;
import io.artstore.ingester.core.testing.FakeCapacityReservations;
import io.artstore.ingester.core.testing.FakeUpload;
import io.artstore.ingester.core.testing.InMemoryFileCatalog;
import io.artstore.ingester.core.testing.InMemoryStorageElement;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import io.artstore.ingester.core.testing.RecordingFileRegistry;
import io.artstore.ingester.core.testing.StoreRequestBuilder;
import io.artstore.ingester.core.transfer.InMemoryLocks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The real add and delete sagas in the given/when/expect form: which failures undo what, in which order. */
class FileSagaScenariosTest {

    private final ManualClock clock = ManualClock.atSomeInstant();
    private final InMemoryStorageElement edit = InMemoryStorageElement.of("edit-1", Mode.EDIT);
    private final FakeCapacityReservations reservations = new FakeCapacityReservations();
    private final InMemoryFileCatalog catalog = new InMemoryFileCatalog();
    private final RecordingEventPublisher events = new RecordingEventPublisher();
    private final InMemoryLocks locks = new InMemoryLocks();
    private final StorageElementSelector selector = new StorageElementSelector(() -> List.of(edit), reservations, 1 << 20);

    @Nested
    class AddingAFile {

        private final AddFileSaga saga = new AddFileSaga(() -> List.of(edit), catalog, events, clock, AddFileSaga.Settings.DEFAULT);
        private FileId fileId;

        /** A fresh file each time, so that repeated runs over the same element do not meet. */
        private SagaScenario<AddFileSaga.Data> add() {
            fileId = FileId.random();
            return given(saga.definitionFor(new FakeUpload(selector, "scenario".getBytes(StandardCharsets.UTF_8))))
                    .startingWith(AddFileSaga.Data.start(fileId, false));
        }

        @Test
        void runs_every_step_in_order_when_nothing_fails() {
            add().expectState(COMPLETED).expectNoCompensations()
                    .expectStepsAttempted(RESERVE_SPACE, STAGE_CONTENT, REGISTER_FILE, PUBLISH_STORED, WRITE_SIGNATURE, RECORD_IN_CATALOGUE,
                            PUBLISH_FILE_ADDED, RELEASE_SPACE);

            assertThat(edit.stat(fileId)).isPresent();
            assertThat(catalog.find(fileId)).isPresent();
            assertThat(events.published()).extracting(FileEvent::type).containsExactly(FileEvent.Type.FILE_ADDED);
            assertThat(reservations.totalOutstanding()).isZero();
        }

        @Test
        void when_reserving_fails_only_the_reservation_is_released() {
            add().whenStep(RESERVE_SPACE).fails().expectState(COMPENSATED).expectCompensations(RESERVE_SPACE);
        }

        @Test
        void when_staging_fails_the_staged_copy_is_discarded_then_the_space_released() {
            add().whenStep(STAGE_CONTENT).failsAfterItsSideEffect().expectState(COMPENSATED)
                    .expectCompensations(STAGE_CONTENT, RESERVE_SPACE);

            assertThat(edit.staged(fileId)).isEmpty();
            assertThat(edit.stat(fileId)).isEmpty();
            assertThat(reservations.totalOutstanding()).isZero();
        }

        @Test
        void when_staging_fails_transiently_it_is_not_retried_since_the_stream_is_read() {
            add().whenStep(STAGE_CONTENT).failsTransientlyAfterItsSideEffect(1).expectState(COMPENSATED)
                    .expectAttempts(STAGE_CONTENT, 2).expectCompensations(STAGE_CONTENT, RESERVE_SPACE);

            assertThat(edit.staged(fileId)).isEmpty();
        }

        @Test
        void when_the_pivot_fails_for_good_the_staged_copy_is_discarded() {
            add().whenStep(PUBLISH_STORED).fails().expectState(COMPENSATED)
                    .expectCompensations(REGISTER_FILE, STAGE_CONTENT, RESERVE_SPACE);

            assertThat(edit.staged(fileId)).isEmpty();
            assertThat(edit.stat(fileId)).isEmpty();
            assertThat(events.published()).isEmpty();
        }

        @Test
        void after_the_pivot_failures_are_retried_and_never_undo_the_file() {
            add().whenStep(RECORD_IN_CATALOGUE).failsTransiently(3)
                    .whenStep(PUBLISH_FILE_ADDED).failsTransientlyAfterItsSideEffect(2)
                    .expectState(COMPLETED).expectNoCompensations()
                    .expectAttempts(RECORD_IN_CATALOGUE, 4).expectAttempts(PUBLISH_FILE_ADDED, 3);

            assertThat(events.published()).as("one event although the publication was repeated").hasSize(1);
        }

        @Test
        void an_add_that_outlasts_its_timeout_before_the_pivot_is_undone() {
            add().whenStep(STAGE_CONTENT).takes(AddFileSaga.Settings.DEFAULT.timeout().plusMinutes(1))
                    .expectState(COMPENSATED).expectCompensations(STAGE_CONTENT, RESERVE_SPACE);

            assertThat(edit.staged(fileId)).isEmpty();
        }

        @Test
        void a_discard_that_keeps_failing_parks_the_saga_for_an_operator() {
            add().whenStep(PUBLISH_STORED).fails().whenCompensationOf(STAGE_CONTENT).alwaysFails()
                    .expectState(FAILED_COMPENSATION).expectParkedBecause(STAGE_CONTENT);
        }

        @Test
        void a_crash_anywhere_ends_the_add_wholly_done_or_wholly_undone() {
            int records = add().records().size();
            for (int cut = 1; cut < records; cut++) {
                SagaScenario<AddFileSaga.Data> crashed = add().crashingAfterRecords(cut);
                assertThat(crashed.result().state()).as("after a crash before record " + cut).isIn(COMPLETED, COMPENSATED);
                crashed.expectConsistentEffects();
            }
        }

        @Test
        void a_power_cut_anywhere_ends_the_add_wholly_done_or_wholly_undone_with_one_event() {
            int records = add().records().size();
            for (int cut = 1; cut < records; cut++) {
                SagaScenario<AddFileSaga.Data> crashed = add().losingPowerBeforeRecord(cut);
                String at = "after a power cut at record " + cut;
                if (crashed.records().isEmpty()) {
                    // Only the reservation may have been made, and a power cut ends it with the process.
                    assertThat(crashed.effects()).as(at + ", which left no saga").isSubsetOf(RESERVE_SPACE);
                    continue;
                }
                assertThat(crashed.result().state()).as(at).isIn(COMPLETED, COMPENSATED);
                crashed.expectConsistentEffects();
                FileId added = fileId;
                assertThat(events.published()).as(at).filteredOn(event -> event.fileId().equals(added))
                        .hasSize(crashed.result().state() == COMPLETED ? 1 : 0);
            }
        }

        @Test
        void only_the_starts_of_steps_idempotent_whatever_their_attempt_or_without_effect_wait_for_the_next_forced_record() {
            assertThat(saga.definition().steps()).filteredOn(StepDefinition::startDurableWithNext)
                    .extracting(StepDefinition::name)
                    .containsExactly(RESERVE_SPACE, REGISTER_FILE, WRITE_SIGNATURE, RECORD_IN_CATALOGUE, PUBLISH_FILE_ADDED, RELEASE_SPACE);
        }

        @Test
        void with_a_registry_the_registration_starts_with_a_forced_record() {
            AddFileSaga registering = new AddFileSaga(() -> List.of(edit), catalog, events, clock, AddFileSaga.Settings.DEFAULT,
                    new RecordingFileRegistry());
            assertThat(registering.definition().steps()).filteredOn(StepDefinition::startDurableWithNext)
                    .extracting(StepDefinition::name).doesNotContain(REGISTER_FILE).contains(PUBLISH_FILE_ADDED);
        }
    }

    @Nested
    class DeletingAFile {

        private final DeleteFileSaga saga = new DeleteFileSaga(() -> List.of(edit), catalog, events, locks, clock,
                DeleteFileSaga.Settings.DEFAULT);
        private final FileAttributes stored = edit.store(StoreRequestBuilder.aStoreRequest().build(),
                new ByteArrayInputStream("to delete".getBytes(StandardCharsets.UTF_8)));

        private SagaScenario<DeleteFileSaga.Data> delete() {
            catalog.put(new CatalogEntry(edit.id(), Mode.EDIT, stored));
            return given(saga.definition()).startingWith(new DeleteFileSaga.Data(stored.fileId(), edit.id(), Mode.EDIT,
                    stored.fileSize(), stored.checksum()));
        }

        @Test
        void runs_every_step_in_order_when_nothing_fails() {
            delete().expectState(COMPLETED).expectNoCompensations()
                    .expectStepsAttempted(LOCK_FILE, DELETE_FROM_ELEMENT, DELETE_SIGNATURE, FORGET_FILE,
                            PUBLISH_FILE_DELETED, UNLOCK_FILE, UNREGISTER_FILE);

            assertThat(edit.stat(stored.fileId())).isEmpty();
            assertThat(catalog.find(stored.fileId())).isEmpty();
            assertThat(locks.holder(stored.fileId())).isEmpty();
            assertThat(events.published()).extracting(FileEvent::type).containsExactly(FileEvent.Type.FILE_DELETED);
        }

        @Test
        void when_the_file_cannot_be_locked_nothing_is_deleted() {
            delete().whenStep(LOCK_FILE).fails().expectState(COMPENSATED).expectCompensations(LOCK_FILE);

            assertThat(edit.stat(stored.fileId())).isPresent();
            assertThat(locks.holder(stored.fileId())).isEmpty();
        }

        @Test
        void when_the_element_refuses_the_delete_for_good_the_lock_is_released() {
            delete().whenStep(DELETE_FROM_ELEMENT).fails().expectState(COMPENSATED).expectCompensations(LOCK_FILE);

            assertThat(edit.stat(stored.fileId())).isPresent();
            assertThat(catalog.find(stored.fileId())).isPresent();
            assertThat(locks.holder(stored.fileId())).isEmpty();
        }

        @Test
        void the_pivot_is_retried_until_the_element_answers() {
            delete().whenStep(DELETE_FROM_ELEMENT).failsTransientlyAfterItsSideEffect(3).expectState(COMPLETED)
                    .expectNoCompensations().expectAttempts(DELETE_FROM_ELEMENT, 4);
        }

        @Test
        void after_the_pivot_failures_are_retried_and_the_event_goes_out_once() {
            delete().whenStep(PUBLISH_FILE_DELETED).failsTransientlyAfterItsSideEffect(2)
                    .whenStep(FORGET_FILE).failsTransiently(2)
                    .expectState(COMPLETED).expectNoCompensations();

            assertThat(events.published()).hasSize(1);
            assertThat(catalog.find(stored.fileId())).isEmpty();
        }

        @Test
        void an_unlock_that_keeps_failing_parks_the_saga_for_an_operator() {
            delete().whenStep(DELETE_FROM_ELEMENT).fails().whenCompensationOf(LOCK_FILE).alwaysFails()
                    .expectState(FAILED_COMPENSATION).expectParkedBecause(LOCK_FILE);
        }

        @Test
        void a_file_locked_by_a_transfer_is_refused_and_left_as_it_is() {
            locks.tryLock(stored.fileId(), Locks.Operation.TRANSFER, "transfer-1");

            SagaScenario<DeleteFileSaga.Data> refused = delete().expectState(COMPENSATED).expectCompensations(LOCK_FILE);

            assertThat(refused.result().cause()).hasValueSatisfying(cause -> assertThat(cause)
                    .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("file_locked")));
            assertThat(edit.stat(stored.fileId())).isPresent();
            assertThat(locks.holder(stored.fileId())).hasValueSatisfying(held -> assertThat(held.owner()).isEqualTo("transfer-1"));
        }

        @Test
        void a_delete_that_outlasts_its_timeout_before_the_pivot_is_undone() {
            delete().whenStep(LOCK_FILE).takes(DeleteFileSaga.Settings.DEFAULT.timeout().plusMinutes(1))
                    .expectState(COMPENSATED).expectCompensations(LOCK_FILE);

            assertThat(edit.stat(stored.fileId())).isPresent();
        }

        @Test
        void a_crash_anywhere_is_finished_by_recovery() {
            delete().expectRecoveryFromEveryCrash(SagaState.COMPLETED);

            assertThat(locks.holder(stored.fileId())).isEmpty();
        }
    }
}
