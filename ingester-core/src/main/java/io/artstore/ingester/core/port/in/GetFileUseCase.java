package io.artstore.ingester.core.port.in;

import io.artstore.ingester.core.domain.FileId;
import java.util.Optional;

public interface GetFileUseCase {

    Optional<FileLocation> find(FileId fileId);
}
