package io.artstore.ingester.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.out.AuditRecord;
import io.artstore.ingester.storage.audit.AuditLogSettings;
import io.artstore.ingester.storage.audit.AuditLogTail;
import io.artstore.ingester.storage.audit.FileAuditTrail;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit relay's source: every line once, across file rotation and a restart of the relay, none skipped. */
class AuditLogSourceTest {

    @TempDir
    Path data;

    private static AuditRecord record(int i) {
        return AuditRecord.system(Instant.parse("2026-12-07T08:00:00Z").plusSeconds(i), AuditRecord.UPLOAD,
                AuditRecord.Outcome.SUCCEEDED, Optional.empty(), Optional.empty(), Optional.of("record " + i));
    }

    @Test
    void aRestartedRelayGoesOnAfterTheLastAcknowledgedLineAcrossFiles() {
        // Small files and a checkpoint every 3 records: the lines span several files and mix both kinds.
        AuditLogSettings settings = AuditLogSettings.in(data).with(3, Duration.ofHours(1), 1024);
        Path cursor = data.resolve(KafkaEvents.AUDIT_CURSOR);
        List<Long> sent = new ArrayList<>();
        try (FileAuditTrail trail = FileAuditTrail.open(settings, Clock.systemUTC())) {
            for (int i = 0; i < 10; i++) {
                trail.record(record(i));
            }
            AuditLogSource first = new AuditLogSource(settings.folder(), cursor);
            List<AuditLogTail.Line> batch = first.oldest(5);
            batch.forEach(line -> sent.add(line.seq()));
            first.acknowledge(batch);
            // Read but not acknowledged: the relay stopped before the broker confirmed them.
            first.oldest(4);

            for (int i = 10; i < 20; i++) {
                trail.record(record(i));
            }
            AuditLogSource restarted = new AuditLogSource(settings.folder(), cursor);
            for (List<AuditLogTail.Line> next = restarted.oldest(4); !next.isEmpty(); next = restarted.oldest(4)) {
                next.forEach(line -> sent.add(line.seq()));
                restarted.acknowledge(next);
            }
            assertThat(restarted.depth()).isZero();
        }
        long last = sent.get(sent.size() - 1);
        assertThat(sent).as("every line once, in order").isEqualTo(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
        assertThat(last).as("20 records and their checkpoints").isGreaterThanOrEqualTo(26);
    }
}
