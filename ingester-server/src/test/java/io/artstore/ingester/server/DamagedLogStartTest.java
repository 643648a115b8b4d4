package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.Sha256;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.Participant;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransactionRecord;
import io.artstore.ingester.core.transfer.Verdict;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.storage.embedded.FileTransactionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transfer log damaged before its tail stops start-up, naming file and offset; {@code logs.salvage} gets past it. */
class DamagedLogStartTest {

    private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path data;

    @Test
    void start_up_stops_on_a_damaged_transfer_log_and_salvage_keeps_what_is_readable() throws IOException {
        Path folder = data.resolve("transactions");
        TransactionId decided = TransactionId.random();
        try (FileTransactionLog log = FileTransactionLog.open(folder)) {
            log.append(new TransactionRecord.Begun(decided, FileId.random(), StorageElementId.of("a"), StorageElementId.of("b"),
                    Sha256.parse("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"), 10, 1, AT));
            log.append(new TransactionRecord.Voted(decided, Participant.SOURCE, true, Optional.empty(), AT));
            log.append(new TransactionRecord.Decided(decided, Verdict.ABORT, Optional.of("test"), AT));
        }
        Path file = folder.resolve("transfers.log");
        byte[] bytes = Files.readAllBytes(file);
        int firstFrameLength = ByteBuffer.wrap(bytes).getInt(0);
        int damagedAt = 8 + firstFrameLength;
        bytes[damagedAt + 8 + 1] ^= 0x20;
        Files.write(file, bytes);

        assertThatThrownBy(() -> new IngesterServer(config(false)))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.code()).isEqualTo("transaction_log_corrupt"))
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("at offset " + damagedAt)
                .hasMessageContaining("logs.salvage=on");

        try (IngesterServer server = new IngesterServer(config(true))) {
            assertThat(server).isNotNull();
        }
        try (FileTransactionLog reopened = FileTransactionLog.open(folder)) {
            assertThat(reopened.load(decided)).as("the begin record and the decision after the damage")
                    .extracting(record -> record.getClass().getSimpleName()).contains("Begun", "Decided");
        }
    }

    private IngesterConfig config(boolean salvage) {
        Map<String, String> env = new HashMap<>();
        env.put("INGESTER_DATA_DIR", data.toString());
        env.put("INGESTER_PORT", "0");
        if (salvage) {
            env.put("INGESTER_LOGS_SALVAGE", "on");
        }
        return ConfigLoader.load(List.of(), env);
    }
}
