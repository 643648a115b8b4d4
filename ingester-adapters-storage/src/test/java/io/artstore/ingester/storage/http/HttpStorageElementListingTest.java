package io.artstore.ingester.storage.http;

import static io.artstore.ingester.core.testing.StoreRequestBuilder.aStoreRequest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.FileAttributes;
import io.artstore.ingester.core.domain.FileId;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.core.port.in.TaskReport;
import io.artstore.ingester.core.port.out.CatalogEntry;
import io.artstore.ingester.core.port.out.DetachedSignature;
import io.artstore.ingester.core.port.out.FileCatalog;
import io.artstore.ingester.core.port.out.Task;
import io.artstore.ingester.core.tasks.CatalogueRebuild;
import io.artstore.ingester.storage.embedded.FileSystemFileCatalog;
import io.artstore.ingester.storage.embedded.StaticStorageElements;
import io.artstore.ingester.storage.http.fixture.StorageElementServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SE's file list ({@code GET /api/v1/files?skip=&limit=}) through the adapter, and the catalogue rebuilt from it. */
class HttpStorageElementListingTest {

    @TempDir
    Path root;

    private SeFixtures fixtures;
    private StorageElementServer server;
    private HttpStorageElement element;

    @BeforeEach
    void start() {
        fixtures = new SeFixtures(root, false);
        server = fixtures.start(Mode.EDIT);
        element = fixtures.element(server, Mode.EDIT);
    }

    @AfterEach
    void stop() {
        fixtures.close();
    }

    @Test
    void listsEveryFileOnceOverPagesOfAtMostAHundredNewestFirst() {
        List<FileAttributes> stored = store(205);

        List<FileAttributes> listed = new ArrayList<>();
        element.listFiles().orElseThrow().forEach(listed::add);

        assertThat(listed).extracting(FileAttributes::fileId)
                .containsExactlyInAnyOrderElementsOf(stored.stream().map(FileAttributes::fileId).toList());
        assertThat(listed).extracting(FileAttributes::createdAt).isSortedAccordingTo(Comparator.reverseOrder());
        FileAttributes first = stored.get(0);
        FileAttributes asListed = listed.stream().filter(file -> file.fileId().equals(first.fileId())).findFirst().orElseThrow();
        assertThat(asListed).as("the same fields as the file's own metadata answer").isEqualTo(element.stat(first.fileId()).orElseThrow());
        assertThat(asListed.originalFilename()).isEqualTo(first.originalFilename());
        assertThat(asListed.checksum()).isEqualTo(first.checksum());
        assertThat(asListed.metadata()).as("the list never carries metadata").isEmpty();
        assertThat(first.metadata()).isNotEmpty();
    }

    @Test
    void theFixtureAnswersTheListAsTheContractSays() throws IOException {
        store(3);

        JsonNode page = get("/api/v1/files?skip=1&limit=100");
        assertThat(page.path("total").asInt()).isEqualTo(3);
        assertThat(page.path("files")).hasSize(2);
        List<String> fields = new ArrayList<>();
        page.path("files").get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("file_id", "original_filename", "storage_filename", "file_size",
                "content_type", "created_at", "created_by_username", "created_by_fullname", "description", "version",
                "storage_path", "checksum", "cache_updated_at", "cache_ttl_hours", "cache_expired");
        assertThat(status("/api/v1/files?skip=0&limit=101")).as("limit <= 100").isEqualTo(422);
    }

    @Test
    void theCatalogueIsRebuiltFromARemoteElementWithoutItsSignatures() {
        List<FileAttributes> stored = store(3);
        FileId signed = stored.get(1).fileId();
        element.writeSidecar(signed, DetachedSignature.SIDECAR_SUFFIX, new byte[] {1, 2, 3});
        FileCatalog catalog = FileSystemFileCatalog.open(root.resolve("catalog"));
        CatalogueRebuild rebuild = new CatalogueRebuild(new StaticStorageElements(List.of(element)), catalog);

        TaskReport report = rebuild.run(Task.of(CatalogueRebuild.TYPE, Map.of(), Instant.now()));
        TaskReport again = rebuild.run(Task.of(CatalogueRebuild.TYPE, Map.of("storage_element_id", element.id().value()),
                Instant.now()));

        assertThat(report.facts()).containsEntry("elements_read", 1L).containsEntry("elements_not_listable", 0L)
                .containsEntry("entries_added", 3L);
        assertThat(again.facts()).containsEntry("entries_added", 0L).containsEntry("entries_known", 3L);
        assertThat(catalog.size()).as("the signature is no file of its own").isEqualTo(3);
        for (FileAttributes file : stored) {
            assertThat(catalog.find(file.fileId())).hasValueSatisfying(entry -> {
                assertThat(entry).isEqualTo(new CatalogEntry(element.id(), Mode.EDIT, element.stat(file.fileId()).orElseThrow()));
                assertThat(entry.attributes().originalFilename()).isEqualTo(file.originalFilename());
                assertThat(entry.attributes().metadata()).as("what the list cannot tell").isEmpty();
            });
        }
        assertThat(element.readSidecar(signed, DetachedSignature.SIDECAR_SUFFIX)).hasValue(new byte[] {1, 2, 3});
    }

    private List<FileAttributes> store(int count) {
        List<FileAttributes> stored = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            stored.add(element.store(aStoreRequest().originalFilename("scan-" + i + ".txt")
                            .metadata(Map.of("page", i)).build(),
                    new ByteArrayInputStream(("content " + i).getBytes(StandardCharsets.UTF_8))));
        }
        Set<FileId> ids = stored.stream().map(FileAttributes::fileId).collect(Collectors.toSet());
        assertThat(ids).hasSize(count);
        return stored;
    }

    private JsonNode get(String path) throws IOException {
        try (Response response = SeFixtures.SHARED_CLIENT.newCall(request(path)).execute()) {
            assertThat(response.code()).isEqualTo(200);
            return Json.read(response.body().string());
        }
    }

    private int status(String path) throws IOException {
        try (Response response = SeFixtures.SHARED_CLIENT.newCall(request(path)).execute()) {
            return response.code();
        }
    }

    private Request request(String path) {
        return new Request.Builder().url(server.url().toString().replaceAll("/$", "") + path)
                .header("Authorization", "Bearer " + SeFixtures.TOKEN).build();
    }
}
