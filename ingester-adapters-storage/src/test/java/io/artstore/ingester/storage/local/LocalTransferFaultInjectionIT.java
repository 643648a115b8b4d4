package io.artstore.ingester.storage.local;

import io.artstore.ingester.core.transfer.TransferFaultInjectionMatrix;
import io.artstore.ingester.core.transfer.TransferFixture;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer fault-injection matrix with both elements {@link LocalStorageElement}s, reopened at every restart.
 * An integration test because forcing every write to disk makes it take most of a minute.
 */
class LocalTransferFaultInjectionIT extends TransferFaultInjectionMatrix {

    @TempDir
    static Path root;

    private static final AtomicInteger FIXTURES = new AtomicInteger();

    @Override
    protected TransferFixture newFixture() {
        return new TransferFixture(LocalTransferElements.in(root.resolve("fixture-" + FIXTURES.incrementAndGet())));
    }
}
