package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.EventOutboxContract;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.OutboxEvent;
import io.artstore.ingester.storage.fs.Fsync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEventOutboxTest extends EventOutboxContract {

    @TempDir
    Path dir;

    private FileEventOutbox current;
    private int capacity;

    @Override
    protected EventOutbox open(int capacity) {
        this.capacity = capacity;
        current = FileEventOutbox.open(dir, capacity, 3, Fsync.REAL);
        return current;
    }

    @Override
    protected EventOutbox reopen() {
        current.close();
        current = FileEventOutbox.open(dir, capacity, 3, Fsync.REAL);
        return current;
    }

    @Override
    protected void storeFirstEntry(String entry) throws IOException {
        Files.writeString(dir.resolve(String.format("events-%020d.jsonl", 1)),
                entry.replaceFirst("\\{", "{\"seq\":1,") + "\n", StandardCharsets.UTF_8);
    }

    @AfterEach
    void close() {
        if (current != null) {
            current.close();
        }
    }

    @Test
    void segmentsWhoseEventsAreAllAcknowledgedAreDeleted() throws IOException {
        FileEventOutbox outbox = (FileEventOutbox) open(100);
        for (int i = 1; i <= 10; i++) {
            outbox.append(event("e" + i, FileId.random(), FileEvent.Type.FILE_ADDED, T0));
        }
        assertThat(segmentFiles()).hasSize(4);

        outbox.acknowledge(outbox.oldest(7));

        // Segments hold 3 events: 1-3 and 4-6 are all acknowledged, 7-9 still holds 8 and 9.
        assertThat(segmentFiles()).hasSize(2);
        assertThat(outbox.oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e8", "e9", "e10");
        assertThat(((FileEventOutbox) reopen()).oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e8", "e9", "e10");
    }

    @Test
    void aTornLastLineIsCutOffAndTheNextEventFollowsIt() throws IOException {
        FileEventOutbox outbox = (FileEventOutbox) open(100);
        outbox.append(event("e1", FileId.random(), FileEvent.Type.FILE_ADDED, T0));
        outbox.close();
        Path segment = segmentFiles().get(0);
        Files.writeString(segment, "{\"seq\":2,\"event_id\":\"torn", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        FileEventOutbox reopened = (FileEventOutbox) reopen();
        reopened.append(event("e2", FileId.random(), FileEvent.Type.FILE_ADDED, T0));

        assertThat(reopen().oldest(10)).extracting(OutboxEvent::eventId).containsExactly("e1", "e2");
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().startsWith("events-")).sorted().toList();
        }
    }
}
