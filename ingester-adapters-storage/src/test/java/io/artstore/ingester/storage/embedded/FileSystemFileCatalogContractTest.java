package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.FileCatalogContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileSystemFileCatalogContractTest extends FileCatalogContract {

    @TempDir
    Path folder;

    @Override
    protected FileCatalog createCatalog() {
        return FileSystemFileCatalog.open(folder);
    }
}
