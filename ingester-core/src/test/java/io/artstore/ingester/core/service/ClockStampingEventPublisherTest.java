package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.ClockOrder;
import io.artstore.ingester.core.clock.ClockPruning;
import io.artstore.ingester.core.clock.InMemoryClockSync;
import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.testing.InMemoryFileClocks;
import io.artstore.ingester.core.testing.RecordingEventPublisher;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockStampingEventPublisherTest {

    private static final NodeId NODE = NodeId.of("ingester-1");

    private final RecordingEventPublisher delegate = new RecordingEventPublisher();
    private final LocalClock clock = new LocalClock(NODE, new InMemoryClockSync(), ClockPruning.DEFAULT);
    private final InMemoryFileClocks lastChanges = new InMemoryFileClocks();
    private final ClockStampingEventPublisher publisher = new ClockStampingEventPublisher(delegate, clock, lastChanges);

    @Test
    void each_event_gets_a_later_clock_than_the_one_before() {
        FileId file = FileId.random();

        publisher.publish(event(file, FileEvent.Type.FILE_ADDED));
        publisher.publish(event(file, FileEvent.Type.FILE_DELETED));

        List<FileEvent> published = delegate.published();
        assertThat(published).extracting(FileEvent::clock)
                .containsExactly(VectorClock.parse("ingester-1:1"), VectorClock.parse("ingester-1:2"));
        assertThat(clock.current()).isEqualTo(VectorClock.parse("ingester-1:2"));
    }

    @Test
    void the_stamp_becomes_the_files_last_change() {
        FileId file = FileId.random();

        publisher.publish(event(file, FileEvent.Type.FILE_ADDED));

        assertThat(lastChanges.lastChange(file)).contains(delegate.published().get(0).clock());
        assertThat(lastChanges.lastChange(FileId.random())).isEmpty();
    }

    @Test
    void an_event_already_stamped_is_ordered_after_what_it_saw() {
        FileId file = FileId.random();
        VectorClock seen = VectorClock.parse("ingester-2:7");

        publisher.publish(event(file, FileEvent.Type.FILE_TRANSFERRED).withClock(seen));

        VectorClock stamp = delegate.published().get(0).clock();
        assertThat(stamp.compare(seen)).isEqualTo(ClockOrder.AFTER);
        assertThat(stamp.get(NODE)).isEqualTo(1);
    }

    private static FileEvent event(FileId file, FileEvent.Type type) {
        return new FileEvent(type, file, StorageElementId.of("local-edit"), Mode.EDIT, 10, new Sha256("00".repeat(32)),
                Instant.parse("2026-11-26T01:00:00Z"));
    }
}
