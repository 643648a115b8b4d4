package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.storage.fixture.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaLogRules;
import io.artstore.ingester.core.saga.SagaRecord.Kind;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.testing.SagaRecords;
import io.artstore.ingester.core.testing.Faults.SimulatedCrash;
import io.artstore.ingester.formats.SagaRecordJson;
import io.artstore.ingester.storage.fs.Fsync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit in the saga log: records of concurrent sagas share fsyncs, and no append returns before a force
 * that covers its record has ended. Forces are counted and held through the log's fsync hook, not timed.
 */
class FileSagaLogGroupCommitTest {

    private static final int SAGAS = 12;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path folder;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void concurrent_appends_complete_with_fewer_fsyncs_than_appends() throws Exception {
        HeldFsync fsync = new HeldFsync(WAIT);
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a", LogOptions.DEFAULT, fsync)) {
            Path file = folder.resolve("saga-instance-a.log");
            long before = Files.size(file);
            // Each saga's start (not forced on its own) and its first step's start (forced).
            List<List<SagaRecord>> sagas = new ArrayList<>();
            for (int saga = 0; saga < SAGAS; saga++) {
                sagas.add(steps(new SagaId("saga-" + saga), 2));
            }
            long written = before + sagas.stream().flatMap(List::stream).mapToLong(record -> FramedLogFile.FRAME_HEADER
                    + SagaRecordJson.write(record).length).sum();
            List<Future<?>> appends = new ArrayList<>();
            for (List<SagaRecord> saga : sagas) {
                appends.add(pool.submit(() -> saga.forEach(log::append)));
            }

            // The first force is held: every other saga writes its record meanwhile, and none of them returns.
            Eventually.await("all records written while the first force is held", WAIT, () -> fsync.entered.get() >= 1 && size(file) == written);
            assertThat(appends).noneMatch(Future::isDone);
            fsync.release.countDown();
            for (Future<?> append : appends) {
                append.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }

            assertThat(fsync.forces.get()).as("forces for %s appends", SAGAS).isLessThanOrEqualTo(2).isLessThan(SAGAS);
        }
        try (FileSagaLog reopened = FileSagaLog.open(folder, "instance-a")) {
            assertThat(reopened.unfinished()).hasSize(SAGAS);
        }
    }

    @Test
    void an_append_returns_only_once_the_force_covering_it_has_ended() throws Exception {
        HeldFsync fsync = new HeldFsync(WAIT);
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a", LogOptions.DEFAULT, fsync)) {
            List<SagaRecord> saga = steps(new SagaId("saga-held"), 2);
            log.append(saga.get(0));
            Future<?> append = pool.submit(() -> log.append(saga.get(1)));

            Eventually.await("the force to begin", WAIT, () -> fsync.entered.get() == 1);
            assertThat(append).isNotDone();
            assertThat(log.load(saga.get(0).sagaId())).as("written and indexed, not yet durable").containsExactlyElementsOf(saga);

            fsync.release.countDown();
            append.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(fsync.forces.get()).isEqualTo(1);
        }
    }

    @Test
    void a_start_or_a_success_is_not_forced_on_its_own_and_the_next_record_forces_it() {
        HeldFsync fsync = new HeldFsync(WAIT);
        fsync.release.countDown();
        SagaId sagaId = new SagaId("saga-steps");
        List<SagaRecord> records = steps(sagaId, 5);
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a", LogOptions.DEFAULT, fsync)) {
            log.append(records.get(0));
            assertThat(fsync.forces.get()).as("a saga's start waits for no force").isZero();
            log.append(records.get(1));
            assertThat(fsync.forces.get()).isEqualTo(1);

            log.append(records.get(2));
            assertThat(records.get(2).kind()).isEqualTo(Kind.STEP_SUCCEEDED);
            assertThat(fsync.forces.get()).as("a success waits for no force").isEqualTo(1);

            log.append(records.get(3));
            assertThat(fsync.forces.get()).isEqualTo(2);
            assertThat(fsync.durableUpTo.get()).as("the next force covers the success before it")
                    .isEqualTo(size(folder.resolve("saga-instance-a.log")));
        }
    }

    @Test
    void a_record_appended_durable_with_the_next_is_not_forced_on_its_own_and_the_next_record_forces_it() {
        HeldFsync fsync = new HeldFsync(WAIT);
        fsync.release.countDown();
        List<SagaRecord> records = steps(new SagaId("saga-deferred-start"), 5);
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a", LogOptions.DEFAULT, fsync)) {
            log.append(records.get(0));
            log.append(records.get(1));
            log.append(records.get(2));
            assertThat(fsync.forces.get()).isEqualTo(1);

            assertThat(records.get(3).kind()).isEqualTo(Kind.STEP_STARTED);
            log.appendDurableWithNext(records.get(3));
            assertThat(fsync.forces.get()).as("a step's start given to appendDurableWithNext waits for no force").isEqualTo(1);
            assertThat(log.load(records.get(3).sagaId())).as("written and indexed").containsExactlyElementsOf(records.subList(0, 4));

            log.append(records.get(4));
            log.append(next(records.get(4), Kind.SAGA_COMPLETED));
            assertThat(fsync.forces.get()).isEqualTo(2);
            assertThat(fsync.durableUpTo.get()).as("the saga's end forces the start and the success before it")
                    .isEqualTo(size(folder.resolve("saga-instance-a.log")));
        }
    }

    @Test
    void an_append_durable_with_the_next_is_checked_like_any_other() {
        List<SagaRecord> records = steps(new SagaId("saga-deferred-checked"), 3);
        try (FileSagaLog log = FileSagaLog.open(folder, "instance-a")) {
            log.append(records.get(0));
            assertThatThrownBy(() -> log.appendDurableWithNext(records.get(2))).as("a record that skips one")
                    .isInstanceOfSatisfying(io.artstore.ingester.core.domain.IngestException.class,
                            e -> assertThat(e.code()).isEqualTo("saga_log_conflict"));
            assertThat(log.load(records.get(0).sagaId())).containsExactly(records.get(0));
        }
    }

    private static SagaRecord next(SagaRecord last, Kind kind) {
        Instant at = last.at().plusMillis(1);
        return new SagaRecord(last.sagaId(), last.sagaType(), last.sequence() + 1, kind, SagaRecord.NO_STEP, 0, at,
                last.owner(), at.plus(SagaRecords.LEASE), last.data(), java.util.Optional.empty());
    }

    @Test
    void a_power_cut_between_write_and_fsync_loses_only_records_not_yet_acknowledged() throws Exception {
        PowerCut disk = new PowerCut();
        int threads = 6;
        int recordsPerSaga = 41;
        Map<SagaId, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
        FileSagaLog log = FileSagaLog.open(folder, "instance-a", LogOptions.DEFAULT, disk);
        List<Future<?>> writers = new ArrayList<>();
        AtomicInteger acks = new AtomicInteger();
        for (int thread = 0; thread < threads; thread++) {
            SagaId sagaId = new SagaId("saga-cut-" + thread);
            List<SagaRecord> records = steps(sagaId, recordsPerSaga);
            acknowledged.put(sagaId, new AtomicInteger());
            writers.add(pool.submit(() -> {
                for (SagaRecord record : records) {
                    log.append(record);
                    if (!SagaLogRules.durableWithNext(record.kind())) {
                        // Acknowledged: it and every record of the saga before it must survive.
                        acknowledged.get(sagaId).set((int) record.sequence() + 1);
                    }
                    acks.incrementAndGet();
                }
                return null;
            }));
        }
        Eventually.await("a third of the records appended", WAIT, () -> acks.get() >= threads * recordsPerSaga / 3);
        disk.cut.set(true);
        for (Future<?> writer : writers) {
            try {
                writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                // Its append was under way when the power went.
            }
        }
        assertThatThrownBy(log::close).as("closing forces, and the power is off").isInstanceOf(RuntimeException.class);

        // What the disk kept: the bytes written before the start of the last force that ended.
        Path file = folder.resolve("saga-instance-a.log");
        assertThat(size(file)).as("some writes were never forced").isGreaterThan(disk.durableUpTo.get());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(disk.durableUpTo.get());
        }

        try (FileSagaLog restarted = FileSagaLog.open(folder, "instance-a")) {
            acknowledged.forEach((sagaId, count) -> assertThat(restarted.load(sagaId)).as("records of %s", sagaId)
                    .hasSizeGreaterThanOrEqualTo(count.get()));
        }
    }

    /** A saga's start, then alternately a step started and the step succeeded. */
    private static List<SagaRecord> steps(SagaId sagaId, int count) {
        List<SagaRecord> records = new ArrayList<>();
        for (int sequence = 0; sequence < count; sequence++) {
            Kind kind = sequence == 0 ? Kind.SAGA_STARTED : sequence % 2 == 1 ? Kind.STEP_STARTED : Kind.STEP_SUCCEEDED;
            Instant at = SagaRecords.T0.plusMillis(sequence);
            records.add(new SagaRecord(sagaId, "add-file", sequence, kind, kind.aboutStep() ? sequence : SagaRecord.NO_STEP,
                    kind.aboutStep() ? 1 : 0, at, "instance-a", at.plus(SagaRecords.LEASE), Map.of("n", "" + sequence),
                    java.util.Optional.empty()));
        }
        return records;
    }

    /** Forces for real; the first force waits for {@link #release}. Counts the forces and what they covered. */
    /**
     * A disk that keeps what was written before a force began, once the force ends; after the power is cut, forces
     * fail as a dead process's would.
     */
    private static final class PowerCut implements Fsync {
        final AtomicBoolean cut = new AtomicBoolean();
        final AtomicLong durableUpTo = new AtomicLong();

        @Override
        public void force(FileChannel channel, Path file, boolean metadata) throws IOException {
            if (cut.get()) {
                throw new SimulatedCrash("power cut before forcing " + file);
            }
            long size = channel.size();
            channel.force(metadata);
            durableUpTo.accumulateAndGet(size, Math::max);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
