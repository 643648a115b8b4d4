package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.port.out.UploadSessionsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Another view is the same folder opened again, as after a restart or by another process sharing it. */
class FileUploadSessionsContractTest extends UploadSessionsContract {

    @TempDir
    Path folder;

    @Override
    protected UploadSessions createSessions() {
        return FileUploadSessions.open(folder.resolve("uploads"));
    }

    @Override
    protected UploadSessions anotherView(UploadSessions sessions) {
        return FileUploadSessions.open(folder.resolve("uploads"));
    }
}
