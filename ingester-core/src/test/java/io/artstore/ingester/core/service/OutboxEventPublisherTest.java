package io.artstore.ingester.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.EventOutbox;
import io.artstore.ingester.core.port.out.EventPublisher;
import io.artstore.ingester.core.port.out.FileEvent;
import io.artstore.ingester.core.port.out.OutboxEvent;
import io.artstore.ingester.core.port.out.OutboxStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutboxEventPublisherTest {

    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
    private static final FileId FILE = FileId.parse("0b7e6f3c-1c2d-4e5f-8a9b-0c1d2e3f4a5b");

    private final List<String> calls = new ArrayList<>();
    private final List<OutboxEvent> appended = new ArrayList<>();
    private boolean outboxFails;

    private final EventOutbox outbox = new EventOutbox() {
        @Override
        public void append(OutboxEvent event) {
            if (outboxFails) {
                throw new IngestException(IngestException.Kind.UNAVAILABLE, "outbox_write_failed", "disk full");
            }
            calls.add("outbox");
            appended.add(event);
        }

        @Override
        public List<OutboxEvent> oldest(int max) {
            return List.of();
        }

        @Override
        public void acknowledge(List<OutboxEvent> sent) {
        }

        @Override
        public OutboxStatus status() {
            return new OutboxStatus(appended.size(), 10, Optional.empty());
        }
    };

    private final EventPublisher log = new EventPublisher() {
        @Override
        public void publish(FileEvent event) {
            calls.add("log");
        }

        @Override
        public boolean published(FileId fileId, FileEvent.Type type) {
            return calls.contains("log");
        }
    };

    private final OutboxEventPublisher publisher = new OutboxEventPublisher(outbox, log, Clock.fixed(T0, ZoneOffset.UTC));

    private static FileEvent added(Instant at) {
        return new FileEvent(FileEvent.Type.FILE_ADDED, FILE, StorageElementId.of("edit-1"), Mode.EDIT, 1,
                Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), at).withSagaId("saga-1");
    }

    @Test
    void theOutboxHasTheEventBeforeTheLogThatAnswersPublished() {
        publisher.publish(added(T0));

        assertThat(calls).containsExactly("outbox", "log");
        assertThat(appended.get(0).enqueuedAt()).isEqualTo(T0);
        assertThat(publisher.published(FILE, FileEvent.Type.FILE_ADDED)).isTrue();
    }

    @Test
    void anEventTheOutboxCannotKeepIsNotPublishedSoTheStepFailsAndIsRetried() {
        outboxFails = true;

        assertThatThrownBy(() -> publisher.publish(added(T0))).isInstanceOf(IngestException.class);
        assertThat(publisher.published(FILE, FileEvent.Type.FILE_ADDED)).isFalse();
    }

    @Test
    void theSameEventPublishedAgainByRecoveryHasTheSameIdButAnotherEventHasAnother() {
        publisher.publish(added(T0));
        publisher.publish(added(T0.plusSeconds(30)));
        publisher.publish(added(T0).withSagaId("saga-2"));
        publisher.publish(new FileEvent(FileEvent.Type.FILE_DELETED, FILE, StorageElementId.of("edit-1"), Mode.EDIT, 1,
                Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), T0).withSagaId("saga-1"));

        assertThat(appended.get(1).eventId()).isEqualTo(appended.get(0).eventId());
        assertThat(appended.get(2).eventId()).isNotEqualTo(appended.get(0).eventId());
        assertThat(appended.get(3).eventId()).isNotEqualTo(appended.get(0).eventId());
    }
}
