package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.IngestException;
import io.artstore.ingester.core.domain.IngestException.Kind;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.Tus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The last PATCH of an upload whose element cannot take the file now answers the element's error, keeps every byte
 * staged, and the client's retry (HEAD, or the empty PATCH at the final offset) stores the file once.
 */
class TusCompletionRetryTest {

    /** Element calls that refuse as an unreachable element does, before the next ones go through. */
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger published = new AtomicInteger();
    private TestServer server;
    private Tus tus;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void a_head_after_an_unreachable_element_stores_the_staged_upload() throws Exception {
        start(1);
        byte[] content = Content.random(300_000);
        String upload = tus.created(content.length, Tus.fields("filename", "retry.bin", "target_mode", "edit",
                "checksum", Content.sha256(content)));

        Reply last = tus.patch(upload, 0, content);

        assertThat(last.status()).as(last.toString()).isEqualTo(503);
        assertThat(last.json().path("code").asText()).isEqualTo("storage_unavailable");
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        JsonNode waiting = progress(upload);
        assertThat(waiting.path("state").asText()).as(waiting.toString()).isEqualTo("receiving");
        assertThat(waiting.path("offset").asLong()).isEqualTo(content.length);
        assertThat(waiting.path("failure").asText()).contains("storage_unavailable");
        assertThat(Files.readAllBytes(staged(upload))).as("every byte still staged").isEqualTo(content);

        Reply head = tus.head(upload);

        assertThat(head.status()).as(head.toString()).isEqualTo(200);
        assertThat(head.headers().firstValue("Upload-Offset")).contains(Integer.toString(content.length));
        String fileId = head.headers().firstValue("X-ArtStore-File-Id").orElseThrow();
        assertStoredOnce(upload, fileId, content);
        // Asked again, the upload answers the same file and stores nothing more.
        assertThat(tus.head(upload).headers().firstValue("X-ArtStore-File-Id")).contains(fileId);
        assertThat(published.get()).isEqualTo(1);
    }

    @Test
    void an_empty_patch_at_the_final_offset_retries_until_the_element_takes_the_file() throws Exception {
        start(2);
        byte[] content = Content.random(200_000);
        String upload = tus.created(content.length, Tus.fields("filename", "again.bin", "target_mode", "edit"));
        assertThat(tus.patch(upload, 0, content).status()).isEqualTo(503);

        Reply second = tus.patch(upload, content.length, new byte[0]);
        assertThat(second.status()).as(second.toString()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).isPresent();
        assertThat(Files.readAllBytes(staged(upload))).isEqualTo(content);

        Reply third = tus.patch(upload, content.length, new byte[0]);
        assertThat(third.status()).as(third.toString()).isEqualTo(204);
        String fileId = third.headers().firstValue("X-ArtStore-File-Id").orElseThrow();
        assertStoredOnce(upload, fileId, content);
    }

    private void assertStoredOnce(String upload, String fileId, byte[] content) throws Exception {
        JsonNode done = progress(upload);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("file_id").asText()).isEqualTo(fileId);
        Reply file = server.get("/api/v1/files/" + fileId);
        assertThat(file.status()).as(file.toString()).isEqualTo(200);
        assertThat(file.json().path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(Files.readAllBytes(server.storedFile(done))).isEqualTo(content);
        assertThat(published.get()).as("files published on the element").isEqualTo(1);
        assertThat(staged(upload)).doesNotExist();
    }

    private void start(int refusing) {
        refusals.set(refusing);
        server = TestServer.builder().storageElement(this::refusingFirst).start();
        tus = new Tus(server);
    }

    private JsonNode progress(String upload) {
        Reply reply = tus.send(tus.request(upload).GET());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }

    private Path staged(String upload) {
        return server.dataDir().resolve("staging").resolve(upload.substring(upload.lastIndexOf('/') + 1) + ".bin");
    }

    /** The element, but its first stage calls refuse as an element that cannot be reached; publications counted. */
    private StorageElement refusingFirst(StorageElement element) {
        Set<String> staging = Set.of("stage", "stageFile", "stageForPublishing", "stageFileForPublishing");
        return (StorageElement) Proxy.newProxyInstance(StorageElement.class.getClassLoader(), new Class<?>[] {StorageElement.class},
                (proxy, method, args) -> {
                    if (staging.contains(method.getName()) && refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IngestException(Kind.UNAVAILABLE, "storage_unavailable", "storage element "
                                + element.id() + " does not answer");
                    }
                    Object result;
                    try {
                        result = method.invoke(element, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("publishStaged")) {
                        published.incrementAndGet();
                    }
                    return result;
                });
    }
}
