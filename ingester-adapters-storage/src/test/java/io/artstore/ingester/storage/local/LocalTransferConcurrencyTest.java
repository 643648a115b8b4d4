package io.artstore.ingester.storage.local;

import io.artstore.ingester.core.transfer.TransferConcurrencyScenarios;
import io.artstore.ingester.core.transfer.TransferFixture;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** Transfers and deletes at once, with both elements {@link LocalStorageElement}s. */
class LocalTransferConcurrencyTest extends TransferConcurrencyScenarios {

    @TempDir
    static Path root;

    private static final AtomicInteger FIXTURES = new AtomicInteger();

    @Override
    protected TransferFixture newFixture() {
        return new TransferFixture(LocalTransferElements.in(root.resolve("fixture-" + FIXTURES.incrementAndGet())));
    }
}
