package io.artstore.ingester.storage.embedded;

import io.artstore.ingester.core.port.out.SagaLog;
import io.artstore.ingester.core.saga.testing.SagaLogContract;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class FileSagaLogTest extends SagaLogContract {

    @TempDir
    Path folder;

    private final Map<String, FileSagaLog> logs = new HashMap<>();

    @Override
    protected SagaLog instance(String instanceId) {
        return logs.computeIfAbsent(instanceId, id -> FileSagaLog.open(folder, id));
    }

    @AfterEach
    void closeLogs() {
        logs.values().forEach(FileSagaLog::close);
    }
}
