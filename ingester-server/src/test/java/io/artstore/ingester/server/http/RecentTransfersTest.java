package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.transfer.TransactionId;
import io.artstore.ingester.core.transfer.TransferState;
import io.artstore.ingester.core.transfer.TransferStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The status's recent transfers while the transaction log they are listed from cannot be read. */
class RecentTransfersTest {

    private static final Instant START = Instant.parse("2026-12-07T08:00:00Z");
    private static final TransactionId ENDED = TransactionId.parse("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f");

    @Test
    void with_the_shared_state_unreadable_the_ended_transfers_are_still_shown() {
        RecentTransfers recent = recent(() -> {
            throw new IngestException(IngestException.Kind.UNAVAILABLE, "state_store_unavailable", "Redis did not answer");
        });
        recent.ended(committed());

        ArrayNode json = recent.json();

        assertThat(json).hasSize(1);
        assertThat(json.get(0).path("transaction_id").asText()).isEqualTo(ENDED.toString());
    }

    @Test
    void any_other_failure_to_list_them_is_not_hidden() {
        RecentTransfers recent = recent(() -> {
            throw new IngestException(IngestException.Kind.INVALID_REQUEST, "bad", "a defect");
        });

        assertThatThrownBy(recent::json).isInstanceOf(IngestException.class).hasMessageContaining("a defect");
    }

    private static RecentTransfers recent(Supplier<List<TransactionId>> unfinished) {
        return new RecentTransfers(unfinished, id -> {
            throw new AssertionError("nothing is in flight");
        }, 5);
    }

    private static TransferStatus committed() {
        return new TransferStatus(ENDED, FileId.random(), StorageElementId.of("local-edit"), StorageElementId.of("local-rw"),
                TransferState.COMMITTED, 100, START, START.plusSeconds(1), Optional.of(START.plusSeconds(5)), true,
                Optional.empty());
    }
}
