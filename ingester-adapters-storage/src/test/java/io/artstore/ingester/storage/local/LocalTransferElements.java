package io.artstore.ingester.storage.local;

import io.artstore.ingester.core.transfer.StorageElementFactory;
import java.nio.file.Path;
import java.time.Clock;

/** Transfer tests' elements on local folders: each call opens a new {@link LocalStorageElement}, as a restart would. */
final class LocalTransferElements {

    private LocalTransferElements() {}

    /** Elements in {@code <folder>/<element id>}. */
    static StorageElementFactory in(Path folder) {
        return (id, mode) -> LocalStorageElement.open(LocalStorageSettings.of(id, mode, folder.resolve(id.value()), 0),
                Clock.systemUTC());
    }
}
