package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.saga.SagaId;
import io.artstore.ingester.core.saga.SagaRecord;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.embedded.FileSagaLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/sagas/{id}} of an add saga that a release before {@code register-file} logged. */
class SagaRoutesLayoutTest {

    private static final SagaId SAGA = new SagaId("add-left-by-the-release-before");
    private static final String OWNER = "ingester-before-upgrade";

    private TestServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void an_add_saga_of_the_first_layout_shows_that_layouts_steps() {
        String fileId = UUID.randomUUID().toString();
        server = TestServer.builder().seed(data -> writeEarlierSaga(data, fileId)).start();

        TestServer.await("recovery undoes the add",
                () -> "compensated".equals(server.get("/api/v1/sagas/" + SAGA.value()).json().path("state").asText()));
        JsonNode saga = server.get("/api/v1/sagas/" + SAGA.value()).json();

        List<String> names = new ArrayList<>();
        saga.path("steps").forEach(step -> names.add(step.path("name").asText()));
        assertThat(names).containsExactly("reserve-space", "stage-content", "publish-stored", "write-signature",
                "record-in-catalogue", "publish-file-added", "release-space");
        assertThat(saga.path("steps").get(2).path("kind").asText()).isEqualTo("pivot");
        assertThat(saga.path("steps").get(1).path("attempts")).as("stage-content was started, then undone").isNotEmpty();
    }

    /** As that release wrote them: no layout version (1), steps by their index then; it died while staging. */
    private static void writeEarlierSaga(Path data, String fileId) {
        Instant at = Instant.now().minus(Duration.ofDays(1));
        Map<String, String> started = Map.of("file_id", fileId, "sign", "false");
        Map<String, String> reserved = Map.of("file_id", fileId, "sign", "false", "element_id", "local-edit", "mode", "edit");
        try (FileSagaLog earlier = FileSagaLog.open(data.resolve("sagas"), OWNER)) {
            earlier.append(record(0, SagaRecord.Kind.SAGA_STARTED, SagaRecord.NO_STEP, 0, at, started));
            earlier.append(record(1, SagaRecord.Kind.STEP_STARTED, 0, 1, at, started));
            earlier.append(record(2, SagaRecord.Kind.STEP_SUCCEEDED, 0, 1, at, reserved));
            earlier.append(record(3, SagaRecord.Kind.STEP_STARTED, 1, 1, at, reserved));
        }
    }

    private static SagaRecord record(long sequence, SagaRecord.Kind kind, int step, int attempt, Instant at,
            Map<String, String> data) {
        return new SagaRecord(SAGA, "add-file", sequence, kind, step, attempt, at, OWNER, at.plusSeconds(60), data,
                Optional.empty());
    }
}
