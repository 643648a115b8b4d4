package io.artstore.ingester.core.port.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.CompressionAlgorithm;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.RetentionPolicy;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventOutbox} must do. Subclasses open the outbox with a capacity, and open it again as a
 * restarted process would.
 */
public abstract class EventOutboxContract {

    protected static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
    protected static final Sha256 CHECKSUM = Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");

    /** A new, empty outbox holding at most {@code capacity} waiting events before it is full. */
    protected abstract EventOutbox open(int capacity);

    /** The outbox opened last, as a new process finds it after the previous one stopped without warning. */
    protected abstract EventOutbox reopen();

    /** Leaves {@code entry} where the outbox keeps its first event (sequence 1), before the outbox is opened. */
    protected abstract void storeFirstEntry(String entry) throws IOException;

    public static OutboxEvent event(String eventId, FileId file, FileEvent.Type type, Instant at) {
        FileEvent event = new FileEvent(type, file, StorageElementId.of("edit-1"), Mode.EDIT, 42, CHECKSUM, at,
                VectorClock.parse("node-a:3"), java.util.Optional.of("saga-" + eventId), java.util.Optional.empty(),
                java.util.Optional.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        return new OutboxEvent(eventId, event, at);
    }

    /** An entry as the outbox stored it before events carried the file's attributes. */
    public static final String PREVIOUS_VERSION_ENTRY = "{\"event_id\":\"old-1\",\"enqueued_at\":\"2026-12-07T08:00:00Z\","
            + "\"event\":{\"type\":\"FILE_ADDED\",\"file_id\":\"4dccd51c-4e30-4376-9393-6072db217f3c\","
            + "\"storage_element_id\":\"edit-1\",\"mode\":\"edit\",\"size\":42,\"checksum\":\"" + CHECKSUM.hex() + "\","
            + "\"at\":\"2026-12-07T08:00:00Z\",\"vector_clock\":\"node-a:3\",\"saga_id\":\"saga-old\"}}";

    /** A file's attributes with every optional part present, as an upload with all fields leaves them. */
    public static FileEventAttributes fullAttributes() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("project", "apollo");
        metadata.put("pages", 12);
        metadata.put("tags", List.of("scan", "draft"));
        metadata.put("origin", Map.of("desk", "b-7"));
        return new FileEventAttributes("report.pdf", "application/pdf", Optional.of("Quarterly report"), Optional.of("v2"),
                metadata, "user-1", "alice", Instant.parse("2026-12-07T07:59:00.123456Z"),
                Optional.of(new FileEventAttributes.Compression(CompressionAlgorithm.GZIP, 4096,
                        Sha256.parse("79c9a8c18e3449ee685b67c924353428065fe284b149bfa9013fa99ead5a6ba8"))),
                Optional.of("ed25519"), RetentionPolicy.TEMPORARY, Optional.of(Instant.parse("2027-01-06T07:59:00.123456789Z")));
    }

    @Test
    void offersAnEventStoredWithoutTheFilesAttributesThenNewOnes() throws IOException {
        storeFirstEntry(PREVIOUS_VERSION_ENTRY);

        EventOutbox outbox = open(100);
        OutboxEvent plain = event("e2", FileId.random(), FileEvent.Type.FILE_ADDED, T0);
        outbox.append(new OutboxEvent("e2", plain.event().withAttributes(fullAttributes()), T0));

        List<OutboxEvent> oldest = outbox.oldest(10);
        assertThat(oldest).extracting(OutboxEvent::eventId).containsExactly("old-1", "e2");
        assertThat(oldest.get(0).event().attributes()).isEmpty();
        assertThat(oldest.get(0).event().sagaId()).contains("saga-old");
        assertThat(oldest.get(1).event().attributes()).contains(fullAttributes());
    }

    @Test
    void keepsTheFilesAttributesAcrossARestart() {
        EventOutbox outbox = open(100);
        OutboxEvent plain = event("e1", FileId.random(), FileEvent.Type.FILE_ADDED, T0);
        OutboxEvent described = new OutboxEvent(plain.eventId(), plain.event().withAttributes(fullAttributes()), T0);
        outbox.append(described);

        assertThat(outbox.oldest(1)).singleElement().satisfies(entry -> assertThat(entry.event()).isEqualTo(described.event()));
        assertThat(reopen().oldest(1)).singleElement().satisfies(entry -> {
            assertThat(entry.event()).isEqualTo(described.event());
            assertThat(entry.event().attributes().orElseThrow().metadata()).containsEntry("pages", 12)
                    .containsEntry("origin", Map.of("desk", "b-7"));
        });
    }

    @Test
    void offersTheEventsInTheOrderTheyWereAppendedWithEverything() {
        EventOutbox outbox = open(100);
        FileId file = FileId.random();
        OutboxEvent added = event("e1", file, FileEvent.Type.FILE_ADDED, T0);
        OutboxEvent deleted = event("e2", file, FileEvent.Type.FILE_DELETED, T0.plusSeconds(1));
        outbox.append(added);
        outbox.append(deleted);

        List<OutboxEvent> oldest = outbox.oldest(10);

        assertThat(oldest).extracting(OutboxEvent::eventId).containsExactly("e1", "e2");
        assertThat(oldest.get(0).event()).isEqualTo(added.event());
        assertThat(oldest.get(0).enqueuedAt()).isEqualTo(T0);
        assertThat(oldest).allSatisfy(event -> assertThat(event.position()).isPresent());
        assertThat(outbox.oldest(1)).extracting(OutboxEvent::eventId).containsExactly("e1");
    }

    @Test
    void acknowledgedEventsAreNotOfferedAgainNorAfterARestart() {
        EventOutbox outbox = open(100);
        for (int i = 1; i <= 5; i++) {
            outbox.append(event("e" + i, FileId.random(), FileEvent.Type.FILE_ADDED, T0.plusSeconds(i)));
        }
        outbox.acknowledge(outbox.oldest(3));

        assertThat(outbox.oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e4", "e5");
        assertThat(reopen().oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e4", "e5");
    }

    @Test
    void unacknowledgedEventsSurviveARestartInOrder() {
        EventOutbox outbox = open(100);
        FileId file = FileId.random();
        outbox.append(event("a", file, FileEvent.Type.FILE_ADDED, T0));
        outbox.append(event("b", file, FileEvent.Type.FILE_TRANSFERRED, T0.plusSeconds(1)));

        EventOutbox restarted = reopen();

        assertThat(restarted.oldest(10)).extracting(OutboxEvent::eventId).containsExactly("a", "b");
        assertThat(restarted.status().depth()).isEqualTo(2);
    }

    @Test
    void statusTellsTheDepthTheOldestEventsAgeAndWhenItIsFull() {
        EventOutbox outbox = open(2);
        assertThat(outbox.status().depth()).isZero();
        assertThat(outbox.status().oldestEnqueuedAt()).isEmpty();
        assertThat(outbox.status().full()).isFalse();

        outbox.append(event("e1", FileId.random(), FileEvent.Type.FILE_ADDED, T0));
        outbox.append(event("e2", FileId.random(), FileEvent.Type.FILE_ADDED, T0.plusSeconds(5)));

        OutboxStatus status = outbox.status();
        assertThat(status.depth()).isEqualTo(2);
        assertThat(status.capacity()).isEqualTo(2);
        assertThat(status.full()).isTrue();
        assertThat(status.oldestAge(T0.plusSeconds(60))).isEqualTo(Duration.ofSeconds(60));

        // Full never refuses an event: the operation that made it has happened.
        outbox.append(event("e3", FileId.random(), FileEvent.Type.FILE_ADDED, T0.plusSeconds(6)));
        assertThat(outbox.status().depth()).isEqualTo(3);

        outbox.acknowledge(outbox.oldest(2));
        assertThat(outbox.status().full()).isFalse();
        assertThat(outbox.status().oldestEnqueuedAt()).contains(T0.plusSeconds(6));
    }

    @Test
    void concurrentAppendsAreAllKept() throws Exception {
        EventOutbox outbox = open(10_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "c" + i;
                done.add(pool.submit(() -> outbox.append(event(id, FileId.random(), FileEvent.Type.FILE_ADDED, T0))));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(outbox.oldest(1000)).hasSize(200).extracting(OutboxEvent::eventId).doesNotHaveDuplicates();
        assertThat(reopen().oldest(1000)).hasSize(200);
    }
}
