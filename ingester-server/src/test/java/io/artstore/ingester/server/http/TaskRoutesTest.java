package io.artstore.ingester.server.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.domain.StorageElementId;
import io.artstore.ingester.storage.local.LocalStorageElement;
import io.artstore.ingester.storage.local.LocalStorageSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background tasks through the admin API, on the embedded queue and its local worker. */
class TaskRoutesTest {

    @TempDir
    Path folder;

    @Test
    void a_queued_rebuild_records_the_files_the_catalogue_lost_and_the_queue_empties() {
        // The element holds a file with its attributes, and the catalogue knows nothing of it (e.g. it was lost).
        FileId[] stored = new FileId[1];
        TestServer.Builder builder = TestServer.builder().adminApi().seed(data -> {
            LocalStorageElement edit = LocalStorageElement.open(LocalStorageSettings.of(StorageElementId.of("local-edit"),
                    Mode.EDIT, data.resolve("storage").resolve("local-edit"), 1), Clock.systemUTC());
            stored[0] = edit.store(aStoreRequest().build(), new ByteArrayInputStream(Content.random(500))).fileId();
        });
        try (TestServer server = builder.start()) {
            String fileId = stored[0].toString();
            assertThat(server.catalogueMentions(fileId)).isFalse();

            Reply queued = server.post("/api/v1/admin/tasks", "application/json",
                    "{\"type\":\"rebuild_catalogue\",\"arguments\":{}}".getBytes(StandardCharsets.UTF_8));

            assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
            assertThat(queued.json().path("task_id").asText()).isNotBlank();
            TestServer.await("the rebuilt catalogue entry", () -> server.catalogueMentions(fileId));
            TestServer.await("an empty queue", () -> server.get("/api/v1/admin/tasks").json().path("waiting").asLong() == 0);
            Reply depth = server.get("/api/v1/admin/tasks");
            assertThat(depth.json().path("queue").asText()).isEqualTo("file");
            assertThat(depth.json().path("oldest_seconds").asLong()).isZero();
            assertThat(server.get("/api/v1/files/" + fileId).json().path("storage_element_id").asText()).isEqualTo("local-edit");
        }
    }

    @Test
    void a_queued_rebuild_records_the_files_of_a_remote_element() throws Exception {
        try (RemoteElements remote = new RemoteElements(folder)) {
            RemoteElements.Element edit = remote.start("remote-edit", Mode.EDIT, 10, RemoteElements.Transport.PLAIN);
            // Files another ingester put there: this one's catalogue knows nothing of them.
            List<String> stored = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Multipart form = Multipart.form().field("description", "scan " + i)
                        .file("file", "scan-" + i + ".tif", "image/tiff", Content.random(100 + i));
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                edit.server().url().resolve("/api/v1/files/upload"))
                        .header("Authorization", "Bearer " + RemoteElements.TOKEN).header("Content-Type", form.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                stored.add(new ObjectMapper().readTree(answer.body()).path("file_id").asText());
            }
            try (TestServer server = TestServer.builder().adminApi().yaml(remote.yaml("")).start()) {
                assertThat(stored).allSatisfy(id -> assertThat(server.catalogueMentions(id)).isFalse());

                Reply queued = server.post("/api/v1/admin/tasks", "application/json",
                        "{\"type\":\"rebuild_catalogue\",\"arguments\":{\"storage_element_id\":\"remote-edit\"}}"
                                .getBytes(StandardCharsets.UTF_8));

                assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
                TestServer.await("the rebuilt catalogue entries",
                        () -> stored.stream().allMatch(server::catalogueMentions));
                Reply file = server.get("/api/v1/files/" + stored.get(2));
                assertThat(file.json().path("storage_element_id").asText()).isEqualTo("remote-edit");
                assertThat(file.json().path("original_filename").asText()).isEqualTo("scan-2.tif");
                assertThat(file.json().path("description").asText()).isEqualTo("scan 2");
            }
        }
    }

    @Test
    void an_unknown_task_type_is_refused_and_nothing_is_queued() {
        try (TestServer server = TestServer.builder().adminApi().start()) {
            Reply refused = server.post("/api/v1/admin/tasks", "application/json",
                    "{\"type\":\"format_disk\"}".getBytes(StandardCharsets.UTF_8));
            Reply malformed = server.post("/api/v1/admin/tasks", "application/json", "[".getBytes(StandardCharsets.UTF_8));

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("unknown_task_type");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.code()).isEqualTo("invalid_task");
            assertThat(server.get("/api/v1/admin/tasks").json().path("waiting").asLong()).isZero();
        }
    }
}
