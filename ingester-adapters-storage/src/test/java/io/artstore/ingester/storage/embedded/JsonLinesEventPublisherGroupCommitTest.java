package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.storage.fixture.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FileEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent events share their fsyncs, and none is reported published before a force covering it has ended. */
class JsonLinesEventPublisherGroupCommitTest {

    private static final int EVENTS = 10;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    @TempDir
    Path folder;

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void concurrent_events_complete_with_fewer_fsyncs_than_events() throws Exception {
        HeldFsync held = new HeldFsync(WAIT);
        Path file = folder.resolve("events.jsonl");
        try (JsonLinesEventPublisher events = JsonLinesEventPublisher.open(file, LogOptions.DEFAULT, held)) {
            List<FileEvent> published = new ArrayList<>();
            List<Future<?>> publishing = new ArrayList<>();
            for (int n = 0; n < EVENTS; n++) {
                FileEvent event = new FileEvent(FileEvent.Type.FILE_ADDED, FileId.parse(UUID.randomUUID().toString()),
                        StorageElementId.of("se-edit"), Mode.EDIT, n + 1, CHECKSUM, Instant.parse("2026-12-07T05:00:00Z"));
                published.add(event);
                publishing.add(pool.submit(() -> events.publish(event)));
            }

            Eventually.await("every event written while the first force is held", WAIT, () -> held.entered.get() >= 1 && lines(file) == EVENTS);
            assertThat(publishing).noneMatch(Future::isDone);
            assertThat(published).as("none counts as published before its force")
                    .noneMatch(event -> events.published(event.fileId(), event.type()));
            held.release.countDown();
            for (Future<?> each : publishing) {
                each.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }

            assertThat(held.forces.get()).isLessThanOrEqualTo(2).isLessThan(EVENTS);
            assertThat(published).allMatch(event -> events.published(event.fileId(), event.type()));
        }
    }

    private static long lines(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
