package io.artstore.ingester.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.EventOutboxContract;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.OutboxEvent;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.embedded.FileEventOutbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayTest {

    private static final Relay.Settings FAST = new Relay.Settings(3, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(20));

    @TempDir
    Path dir;

    @Test
    void whileTheSenderFailsNothingIsAcknowledgedAndEverythingGoesOutInOrderOnceItWorks() {
        AtomicBoolean brokerUp = new AtomicBoolean(false);
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        try (FileEventOutbox outbox = FileEventOutbox.open(dir, 100)) {
            for (int i = 0; i < 10; i++) {
                outbox.append(EventOutboxContract.event("e" + i, FileId.random(), FileEvent.Type.FILE_ADDED, Instant.EPOCH));
            }
            try (Relay<OutboxEvent> relay = Relay.start(Relay.of(outbox), batch -> {
                if (!brokerUp.get()) {
                    // Part of the batch may arrive before the failure: it will come again.
                    delivered.add(batch.get(0).eventId());
                    throw new IllegalStateException("broker away");
                }
                batch.forEach(event -> delivered.add(event.eventId()));
            }, FAST, "test-relay")) {
                TestServer.await("a few failed attempts", () -> relay.failures() >= 3);
                assertThat(outbox.status().depth()).isEqualTo(10);

                brokerUp.set(true);

                TestServer.await("the outbox emptied", () -> outbox.status().depth() == 0);
                assertThat(relay.sent()).isEqualTo(10);
            }
        }
        List<String> firstCopies = delivered.stream().distinct().toList();
        assertThat(firstCopies).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9");
        assertThat(delivered).filteredOn(id -> !id.equals("e0")).doesNotHaveDuplicates();
    }

    @Test
    void eventsAppendedWhileItRunsAreSentAndAcknowledged() {
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        try (FileEventOutbox outbox = FileEventOutbox.open(dir, 100);
                Relay<OutboxEvent> relay = Relay.start(Relay.of(outbox),
                        batch -> batch.forEach(event -> delivered.add(event.eventId())), FAST, "test-relay")) {
            for (int i = 0; i < 7; i++) {
                outbox.append(EventOutboxContract.event("n" + i, FileId.random(), FileEvent.Type.FILE_ADDED, Instant.EPOCH));
            }
            TestServer.await("all sent", () -> relay.sent() == 7);
            assertThat(outbox.status().depth()).isZero();
        }
        assertThat(delivered).containsExactly("n0", "n1", "n2", "n3", "n4", "n5", "n6");
    }
}
