package io.artstore.ingester.server.tus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.redis.fixture.RedisServerExtension;
import io.artstore.ingester.server.testing.CuttingProxy;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TusJava;
import io.artstore.ingester.server.testing.TusNode;
import io.artstore.ingester.server.testing.TusUploads;
import io.tus.java.client.TusUploader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share their state in Redis ({@code state: redis}), one staging folder and one storage element: an
 * upload started on one instance continues on the other, whichever instance a client's reconnection reaches.
 */
class TusCrossInstanceIT {

    private static final long MIB = 1024 * 1024;

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    Path folder;

    private RemoteElements remote;
    private Element element;
    private TestServer first;
    private TestServer second;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(folder.resolve("se"));
        remote = new RemoteElements(folder.resolve("se"));
        element = remote.start("se-shared", Mode.EDIT, 10, Transport.PLAIN);
        Path staging = Files.createDirectories(folder.resolve("staging"));
        first = instance("ingester-1", staging);
        second = instance("ingester-2", staging);
    }

    private TestServer instance(String id, Path staging) {
        return TestServer.builder().yaml(remote.yaml("") + "state: redis\n")
                .env("REDIS_HOST", REDIS.process().host()).env("REDIS_PORT", Integer.toString(REDIS.process().port()))
                .env("INGESTER_NODE_ID", id).env("INGESTER_UPLOADS_STAGING_DIR", staging.toString()).start();
    }

    @AfterEach
    void stop() {
        try {
            if (second != null) {
                second.close();
            }
        } finally {
            try {
                if (first != null) {
                    first.close();
                }
            } finally {
                remote.close();
            }
        }
    }

    @Test
    void tus_java_client_resumes_on_the_second_instance_an_upload_created_on_the_first() throws Exception {
        Path source = folder.resolve("atlas.bin");
        String sha256 = TusUploads.writeSource(source, 24 * MIB, 31);
        Map<String, String> fields = Map.of("filename", "atlas.bin", "target_mode", "edit");
        TusJava onFirst = new TusJava(first.uri(TusUploads.ENDPOINT));
        TusUploader started = onFirst.client().createUpload(TusJava.upload(source, fields));
        started.setChunkSize((int) MIB);
        started.setRequestPayloadSize((int) (8 * MIB));
        for (int i = 0; i < 8; i++) {
            started.uploadChunk();
        }
        started.finish();
        assertThat(started.getOffset()).isEqualTo(8 * MIB);

        URI onSecond = second.uri(URIs.path(started.getUploadURL().toString()));
        TusUploader resumed = new TusJava(second.uri(TusUploads.ENDPOINT)).client()
                .beginOrResumeUploadFromURL(TusJava.upload(source, fields), TusJava.url(onSecond));
        assertThat(resumed.getOffset()).as("the second instance knows the first one's offset").isEqualTo(8 * MIB);
        resumed.setRequestPayloadSize((int) (8 * MIB));
        while (resumed.uploadChunk() > -1) {
            // the rest, through the second instance
        }
        resumed.finish();

        String fileId = TusUploads.fileIdOf(onSecond).orElseThrow(() -> new AssertionError("no file linked"));
        assertStoredOnTheSharedElement(fileId, 24 * MIB, sha256);
    }

    @Test
    void tus_js_client_finishes_an_upload_whose_every_reconnection_lands_on_the_other_instance() {
        Path source = folder.resolve("survey.bin");
        long size = 96 * MIB;
        String sha256 = TusUploads.writeSource(source, size, 37);
        try (CuttingProxy proxy = CuttingProxy.start(List.of(CuttingProxy.address(first.port()),
                CuttingProxy.address(second.port())), 3 * MIB, 7 * MIB, 41)) {

            JsonNode result = TusNode.upload(proxy.uri(TusUploads.ENDPOINT), source)
                    .metadata("filename", "survey.bin")
                    .metadata("target_mode", "edit")
                    .retryDelays("0,100,250,500,1000,2000")
                    .run(Duration.ofMinutes(5));

            assertThat(result.path("state").asText()).as(result.toString()).isEqualTo("finished");
            assertThat(proxy.cuts()).as(proxy.toString()).isGreaterThanOrEqualTo(13);
            assertThat(proxy.connectionsTo(0)).isGreaterThanOrEqualTo(7);
            assertThat(proxy.connectionsTo(1)).isGreaterThanOrEqualTo(7);
            String fileId = result.path("file_id").asText("");
            if (fileId.isEmpty()) {
                fileId = TusUploads.fileIdOf(first.uri(URIs.path(result.path("upload_url").asText())))
                        .orElseThrow(() -> new AssertionError("no file linked: " + result));
            }
            assertStoredOnTheSharedElement(fileId, size, sha256);
        }
    }

    private void assertStoredOnTheSharedElement(String fileId, long size, String sha256) {
        for (TestServer instance : List.of(first, second)) {
            Reply file = instance.get("/api/v1/files/" + fileId);
            assertThat(file.status()).as(file.toString()).isEqualTo(200);
            assertThat(file.json().path("file_size").asLong()).isEqualTo(size);
            assertThat(file.json().path("checksum").asText()).isEqualTo(sha256);
            assertThat(file.json().path("storage_element_id").asText()).isEqualTo("se-shared");
        }
        Path stored = element.storedFile(fileId).orElseThrow(() -> new AssertionError("not on the element: " + fileId));
        assertThat(TusUploads.sha256(stored)).as("the bytes on the storage element").isEqualTo(sha256);
        remote.assertNothingHalfWritten();
    }
}
