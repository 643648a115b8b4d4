package io.artstore.ingester.server.tus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.CuttingProxy;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TusNode;
import io.artstore.ingester.server.testing.TusUploads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus-js-client, run in Node as a browser-independent user of the protocol would, uploads 200 MiB through a proxy
 * that drops the connection every 3 to 7 MiB. The client resumes after each cut (HEAD, then PATCH from the
 * server's offset) and finishes; the stored file is the source, byte for byte.
 */
class TusJsClientCutConnectionIT {

    private static final long SIZE = 200L * 1024 * 1024;
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path folder;

    @Test
    void two_hundred_mebibytes_arrive_whole_through_a_connection_cut_every_few_mebibytes() {
        Path source = folder.resolve("survey.bin");
        String sha256 = TusUploads.writeSource(source, SIZE, 20_261_207L);
        try (TestServer server = TestServer.start();
             CuttingProxy proxy = CuttingProxy.start(List.of(CuttingProxy.address(server.port())), 3 * MIB, 7 * MIB, 13)) {

            JsonNode result = TusNode.upload(proxy.uri(TusUploads.ENDPOINT), source)
                    .metadata("filename", "survey.bin")
                    .metadata("target_mode", "edit")
                    .retryDelays("0,100,250,500,1000,2000")
                    .run(Duration.ofMinutes(5));

            assertThat(result.path("state").asText()).as(result.toString()).isEqualTo("finished");
            assertThat(result.path("offset").asLong()).isEqualTo(SIZE);
            // 200 MiB in pieces of at most 7 MiB: at least 28 cuts, each one resumed by the client.
            assertThat(proxy.cuts()).as(proxy.toString()).isGreaterThanOrEqualTo(28);
            assertThat(result.path("retries").asInt()).as(result.toString()).isGreaterThanOrEqualTo(proxy.cuts() - 1);
            String fileId = result.path("file_id").asText("");
            if (fileId.isEmpty()) {
                fileId = TusUploads.fileIdOf(server.uri(URIs.path(result.path("upload_url").asText()))).orElseThrow(
                        () -> new AssertionError("the finished upload names no file: " + result));
            }
            Reply file = server.get("/api/v1/files/" + fileId);
            assertThat(file.status()).as(file.toString()).isEqualTo(200);
            assertThat(file.json().path("checksum").asText()).isEqualTo(sha256);
            assertThat(file.json().path("file_size").asLong()).isEqualTo(SIZE);
            Path stored = server.storedFile(file.json());
            assertThat(TusUploads.sha256(stored)).as("the bytes on the storage element").isEqualTo(sha256);
            System.out.printf("tus-js-client: %d MiB in %.1f s through %d cuts, %d retries%n", SIZE / MIB,
                    result.path("seconds").asDouble(), proxy.cuts(), result.path("retries").asInt());
        }
    }

    @Test
    void a_second_client_process_resumes_the_upload_the_first_one_left_through_its_url_storage() {
        Path source = folder.resolve("notes.bin");
        long size = 32 * MIB;
        String sha256 = TusUploads.writeSource(source, size, 29);
        Path urls = folder.resolve("tus-urls.json");
        try (TestServer server = TestServer.start()) {
            JsonNode stopped = TusNode.upload(server.uri(TusUploads.ENDPOINT), source)
                    .metadata("filename", "notes.bin").metadata("target_mode", "edit")
                    .chunkSize(4 * MIB).urlStorage(urls).stopAfter(12 * MIB)
                    .run(Duration.ofMinutes(2));
            assertThat(stopped.path("state").asText()).as(stopped.toString()).isEqualTo("stopped");
            long kept = stopped.path("offset").asLong();
            assertThat(kept).isBetween(12 * MIB, size - 1);

            JsonNode resumed = TusNode.upload(server.uri(TusUploads.ENDPOINT), source)
                    .metadata("filename", "notes.bin").metadata("target_mode", "edit")
                    .chunkSize(4 * MIB).urlStorage(urls)
                    .run(Duration.ofMinutes(2));

            assertThat(resumed.path("state").asText()).as(resumed.toString()).isEqualTo("finished");
            assertThat(resumed.path("upload_url").asText()).isEqualTo(stopped.path("upload_url").asText());
            assertThat(resumed.path("resumed_from").asLong()).as("the server's offset on HEAD").isEqualTo(kept);
            String fileId = resumed.path("file_id").asText("");
            if (fileId.isEmpty()) {
                fileId = TusUploads.fileIdOf(server.uri(URIs.path(resumed.path("upload_url").asText()))).orElseThrow(
                        () -> new AssertionError("the finished upload names no file: " + resumed));
            }
            Reply file = server.get("/api/v1/files/" + fileId);
            assertThat(file.status()).as(file.toString()).isEqualTo(200);
            assertThat(file.json().path("checksum").asText()).isEqualTo(sha256);
            assertThat(TusUploads.sha256(server.storedFile(file.json()))).isEqualTo(sha256);
        }
    }
}
