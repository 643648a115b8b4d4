package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.transfer.TransferConcurrencyScenarios;
import io.artstore.ingester.core.transfer.TransferFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Transfers and deletes at once, with both elements {@link HttpStorageElement}s over plain HTTP. */
class HttpTransferConcurrencyTest extends TransferConcurrencyScenarios {

    @TempDir
    static Path root;

    private static RemoteTransferElements elements;

    @BeforeAll
    static void startElements() {
        elements = new RemoteTransferElements(root, false);
    }

    @AfterAll
    static void stopElements() {
        elements.close();
    }

    @Override
    protected TransferFixture newFixture() {
        return elements.newFixture();
    }
}
