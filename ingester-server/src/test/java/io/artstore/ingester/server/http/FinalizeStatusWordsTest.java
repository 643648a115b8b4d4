package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ArtStore ingester's status words and progress for each state of a transfer. */
class FinalizeStatusWordsTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void each_state_has_the_word_artstore_clients_poll_for() {
        assertThat(word(TransferState.PREPARING, 0)).isEqualTo("copying");
        assertThat(word(TransferState.PREPARING, 25)).isEqualTo("copying");
        assertThat(word(TransferState.PREPARING, 40)).isEqualTo("copied");
        assertThat(word(TransferState.PREPARED, 50)).isEqualTo("verifying");
        assertThat(word(TransferState.COMMITTING, 72)).isEqualTo("verifying");
        assertThat(word(TransferState.COMMITTED, 100)).isEqualTo("completed");
        assertThat(word(TransferState.ABORTING, 60)).isEqualTo("failed");
        assertThat(word(TransferState.HEURISTIC, 100)).isEqualTo("failed");
        assertThat(word(TransferState.ABORTED, 100)).isEqualTo("rolled_back");
    }

    @Test
    void a_rolled_back_finalization_shows_no_progress_and_its_reason() {
        ObjectNode json = TransferRoutes.finalizeStatusJson(status(TransferState.ABORTED, 100, Optional.of("target full")));

        assertThat(json.path("status").asText()).isEqualTo("rolled_back");
        assertThat(json.path("state").asText()).isEqualTo("aborted");
        assertThat(json.path("progress_percent").asDouble()).isZero();
        assertThat(json.path("error_message").asText()).isEqualTo("target full");
        assertThat(json.path("completed_at").asText()).isEqualTo(START.plusSeconds(5).toString());
    }

    @Test
    void a_running_finalization_shows_its_progress() {
        ObjectNode json = TransferRoutes.finalizeStatusJson(status(TransferState.PREPARING, 25, Optional.empty()));

        assertThat(json.path("status").asText()).isEqualTo("copying");
        assertThat(json.path("progress_percent").asDouble()).isEqualTo(25.0);
        assertThat(json.path("completed_at").isNull()).isTrue();
        assertThat(json.path("error_message").isNull()).isTrue();
    }

    private static String word(TransferState state, int progress) {
        return TransferRoutes.finalizeStatus(status(state, progress, Optional.empty()));
    }

    private static TransferStatus status(TransferState state, int progress, Optional<String> error) {
        return new TransferStatus(TransactionId.parse("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"), FileId.random(),
                StorageElementId.of("local-edit"), StorageElementId.of("local-rw"), state, progress, START,
                START.plusSeconds(1), state.finished() ? Optional.of(START.plusSeconds(5)) : Optional.empty(),
                state == TransferState.COMMITTED, error);
    }
}
