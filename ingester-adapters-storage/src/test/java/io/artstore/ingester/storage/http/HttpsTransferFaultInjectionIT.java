package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.transfer.TransferFaultInjectionMatrix;
import io.artstore.ingester.core.transfer.TransferFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer fault-injection matrix with both elements {@link HttpStorageElement}s talking TLS 1.3 with pinned keys to an
 * edit and an rw fixture SE; every restart builds new adapters, the SEs keep running. A crash while an upload's body is
 * being written leaves that connection unreleased, as a dead process would; OkHttp reports it as leaked.
 * An integration test because it takes about a minute.
 */
class HttpsTransferFaultInjectionIT extends TransferFaultInjectionMatrix {

    @TempDir
    static Path root;

    private static RemoteTransferElements elements;

    @BeforeAll
    static void startElements() {
        elements = new RemoteTransferElements(root, true);
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
