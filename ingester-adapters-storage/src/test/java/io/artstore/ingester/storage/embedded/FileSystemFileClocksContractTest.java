package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.port.out.FileClocks;
import io.artstore.ingester.core.port.out.FileClocksContract;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.io.TempDir;

class FileSystemFileClocksContractTest extends FileClocksContract {

    @TempDir
    Path folder;

    @Override
    protected FileClocks createClocks(Predicate<FileId> exists) {
        return FileSystemFileClocks.open(folder, exists);
    }
}
