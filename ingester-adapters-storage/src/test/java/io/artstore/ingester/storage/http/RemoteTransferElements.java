package io.artstore.ingester.storage.http;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.transfer.StorageElementFactory;
import io.artstore.ingester.core.transfer.TransferFixture;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.nio.file.Path;

/**
 * An edit and an rw fixture SE for transfer tests, and a {@link StorageElementFactory} that builds a new
 * {@link HttpStorageElement} of one of them on every call, as a (re)started process would. The SEs keep running
 * across fixtures and restarts; adapters share one client. Close it after the tests.
 */
final class RemoteTransferElements implements StorageElementFactory, AutoCloseable {

    private final SeFixtures fixtures;
    final StorageElementServer edit;
    final StorageElementServer rw;

    RemoteTransferElements(Path root, boolean tls) {
        fixtures = new SeFixtures(root, tls);
        edit = fixtures.start(Mode.EDIT);
        rw = fixtures.start(Mode.RW);
    }

    @Override
    public StorageElement open(StorageElementId id, Mode mode) {
        StorageElementServer server = switch (mode) {
            case EDIT -> edit;
            case RW -> rw;
            default -> throw new IllegalArgumentException("transfers run between an edit and an rw element, not " + mode);
        };
        return fixtures.element(fixtures.settings(id, server, mode, 0));
    }

    /** HTTP SEs have no staging: the adapter uploads, and the coordinator's record says the copy is staged. */
    @Override
    public boolean stagesNatively() {
        return false;
    }

    TransferFixture newFixture() {
        return new TransferFixture(this);
    }

    /** Fails when an SE holds anything besides complete files with their attributes. */
    void assertNoLeftovers() {
        fixtures.assertNoLeftovers();
    }

    @Override
    public void close() {
        fixtures.close();
    }
}
