package io.artstore.ingester.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.port.in.Action;
import io.artstore.ingester.core.port.in.CommandKey;
import io.artstore.ingester.core.port.out.IdempotencyStore;
import io.artstore.ingester.core.port.out.IdempotencyStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Another view is the same folder opened again, as after a restart. */
class FileIdempotencyStoreContractTest extends IdempotencyStoreContract {

    @TempDir
    Path folder;

    @Override
    protected IdempotencyStore createStore() {
        return FileIdempotencyStore.open(folder.resolve("idempotency"), Duration.ofDays(7), Clock.systemUTC());
    }

    @Override
    protected IdempotencyStore anotherView(IdempotencyStore store) {
        // Two views in one process must share the lock of the one that writes: the same object stands for both.
        return store;
    }

    @Test
    void a_reply_survives_a_reopen() {
        CommandKey key = new CommandKey("s", "1", Action.EXECUTE);
        store.claim(key, "a", Instant.now(), Duration.ofSeconds(30));
        store.complete(key, "a", "{\"outcome\":\"succeeded\"}");

        IdempotencyStore reopened = createStore();
        assertThat(reopened.claim(key, "b", Instant.now(), Duration.ofSeconds(30)))
                .isEqualTo(new IdempotencyStore.Claim.Answered("{\"outcome\":\"succeeded\"}", false));
    }

    @Test
    void records_older_than_the_retention_are_pruned() throws Exception {
        Path records = folder.resolve("idempotency");
        CommandKey key = new CommandKey("s", "1", Action.EXECUTE);
        FileIdempotencyStore.open(records, Duration.ofDays(7), Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC))
                .claim(key, "a", Instant.now(), Duration.ofSeconds(30));
        try (var files = Files.list(records)) {
            assertThat(files.filter(file -> file.toString().endsWith(".json")).count()).isEqualTo(1);
        }
        createStore();
        try (var files = Files.list(records)) {
            assertThat(files.filter(file -> file.toString().endsWith(".json")).count()).isZero();
        }
    }
}
