package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.core.saga.testing.SagaRecords;
import io.artstore.ingester.core.saga.SagaSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSagaLogConcurrencyTest {

    private static final int THREADS = 8;
    private static final int SAGAS_PER_THREAD = 4;
    private static final int RECORDS_PER_SAGA = 9;

    @TempDir
    Path folder;

    @Test
    void keeps_every_record_of_many_threads_appending_through_two_instances_at_once() throws Exception {
        List<List<SagaRecord>> sagas = new ArrayList<>();
        try (FileSagaLog a = FileSagaLog.open(folder, "instance-a");
                FileSagaLog b = FileSagaLog.open(folder, "instance-b")) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Callable<Void>> appenders = new ArrayList<>();
                for (int thread = 0; thread < THREADS; thread++) {
                    FileSagaLog log = thread % 2 == 0 ? a : b;
                    String owner = thread % 2 == 0 ? "instance-a" : "instance-b";
                    List<List<SagaRecord>> mine = new ArrayList<>();
                    for (int saga = 0; saga < SAGAS_PER_THREAD; saga++) {
                        mine.add(SagaRecords.saga(new SagaId("saga-" + thread + "-" + saga), owner, RECORDS_PER_SAGA));
                    }
                    sagas.addAll(mine);
                    appenders.add(() -> {
                        // Interleave this thread's sagas record by record.
                        for (int sequence = 0; sequence < RECORDS_PER_SAGA; sequence++) {
                            for (List<SagaRecord> saga : mine) {
                                log.append(saga.get(sequence));
                            }
                        }
                        return null;
                    });
                }
                for (Future<Void> appender : pool.invokeAll(appenders)) {
                    appender.get();
                }
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            for (List<SagaRecord> saga : sagas) {
                assertThat(b.load(saga.get(0).sagaId())).containsExactlyElementsOf(saga);
            }
        }

        try (FileSagaLog reopened = FileSagaLog.open(folder, "instance-c")) {
            assertThat(reopened.unfinished()).extracting(SagaSummary::sagaId).hasSize(THREADS * SAGAS_PER_THREAD);
            for (List<SagaRecord> saga : sagas) {
                assertThat(reopened.load(saga.get(0).sagaId())).containsExactlyElementsOf(saga);
            }
        }
    }
}
