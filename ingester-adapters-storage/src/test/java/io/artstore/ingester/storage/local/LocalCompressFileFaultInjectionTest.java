package io.artstore.ingester.storage.local;

import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.core.tasks.CompressFileFaultInjectionMatrix;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compress saga's fault matrix over a {@link LocalStorageElement}, reopened over its folder at every restart: what
 * a crash left on disk (a staged copy, the original linked aside, the data renamed and its attributes not yet) is what
 * the next process finds.
 */
class LocalCompressFileFaultInjectionTest extends CompressFileFaultInjectionMatrix {

    @TempDir
    static Path root;

    private static final AtomicInteger HOSTS = new AtomicInteger();

    @Override
    protected ElementHost newHost() {
        LocalStorageSettings settings = LocalStorageSettings.of(StorageElementId.of("edit-1"), Mode.EDIT,
                root.resolve("element-" + HOSTS.incrementAndGet()), 1);
        return new ElementHost() {
            private LocalStorageElement element = LocalStorageElement.open(settings, Clock.systemUTC());

            @Override
            public StorageElement current() {
                return element;
            }

            @Override
            public void restart() {
                element = LocalStorageElement.open(settings, Clock.systemUTC());
            }
        };
    }
}
