package io.artstore.ingester.server.tus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.testing.CuttingProxy;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TusJava;
import io.artstore.ingester.server.testing.TusUploads;
import io.tus.java.client.TusUploader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tus 1.0 protocol as a second, independent client sees it: tus-java-client creates and resumes uploads, and
 * plain HTTP checks what the specification requires of the server around them (discovery, version, offsets after an
 * interruption, conflicts, termination).
 */
class TusJavaClientIT {

    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FIELDS = Map.of("filename", "plan.bin", "target_mode", "edit");

    @TempDir
    Path folder;

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void creation_and_a_resumable_upload_through_a_cutting_proxy_store_the_file_whole() throws Exception {
        Path source = folder.resolve("plan.bin");
        String sha256 = TusUploads.writeSource(source, 48L * MIB, 5);
        try (CuttingProxy proxy = CuttingProxy.start(List.of(CuttingProxy.address(server.port())), 3L * MIB, 7L * MIB, 3)) {
            TusJava tus = new TusJava(proxy.uri(TusUploads.ENDPOINT));

            TusJava.Outcome outcome = tus.uploadResuming(source, FIELDS, 8 * MIB, 100);

            assertThat(proxy.cuts()).as(proxy.toString()).isGreaterThanOrEqualTo(6);
            assertThat(outcome.attempts()).isGreaterThan(proxy.cuts() / 2);
            URI upload = server.uri(URIs.path(outcome.uploadUrl().toString()));
            assertStored(upload, 48L * MIB, sha256);
        }
    }

    @Test
    void options_advertise_the_version_the_extensions_and_the_maximum_size() {
        HttpResponse<String> options = TusUploads.send(HttpRequest.newBuilder(server.uri(TusUploads.ENDPOINT))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(options.statusCode()).isIn(200, 204);
        assertThat(list(options, "Tus-Version")).contains("1.0.0");
        assertThat(list(options, "Tus-Extension")).contains("creation", "creation-with-upload", "creation-defer-length",
                "termination", "concatenation", "checksum", "expiration");
        assertThat(list(options, "Tus-Checksum-Algorithm")).contains("sha256", "sha1");
        assertThat(options.headers().firstValue("Tus-Max-Size").map(Long::parseLong).orElseThrow()).isPositive();
    }

    @Test
    void a_request_without_a_supported_version_is_refused_with_412_naming_the_versions() {
        HttpResponse<String> refused = TusUploads.send(HttpRequest.newBuilder(server.uri(TusUploads.ENDPOINT))
                .header("Upload-Length", "10").header("Tus-Resumable", "0.2.2")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(refused.statusCode()).isEqualTo(412);
        assertThat(list(refused, "Tus-Version")).contains("1.0.0");
    }

    @Test
    void after_an_interrupted_patch_head_tells_the_kept_offset_and_the_client_resumes_from_there() throws Exception {
        Path source = folder.resolve("plan.bin");
        String sha256 = TusUploads.writeSource(source, 6L * MIB, 17);
        TusJava tus = new TusJava(server.uri(TusUploads.ENDPOINT));
        TusUploader created = tus.client().createUpload(TusJava.upload(source, FIELDS));
        URI upload = uri(created.getUploadURL());
        assertThat(created.getOffset()).isZero();
        assertThat(upload.getPath()).startsWith(TusUploads.ENDPOINT + "/");

        // 2 MiB of a PATCH that announced 6 MiB, then the connection ends.
        interruptedPatch(upload, source, 6L * MIB, 2 * MIB);
        // Watched through the progress document, which takes no lock: a HEAD would take the upload over from a PATCH
        // that a loaded machine has not finished reading yet, and the bytes still unread would be dropped.
        AtomicLong seen = new AtomicLong(-1);
        try {
            TestServer.await("the server keeps the 2 MiB that arrived", () -> {
                seen.set(progressOffset(upload));
                return seen.get() == 2L * MIB;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last offset " + seen.get(), e);
        }
        assertThat(offset(upload)).as("HEAD").isEqualTo(2L * MIB);

        HttpResponse<String> head = head(upload);
        assertThat(head.statusCode()).isIn(200, 204);
        assertThat(head.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(head.headers().firstValue("Upload-Length")).hasValue(Long.toString(6L * MIB));
        assertThat(head.headers().firstValue("Cache-Control").orElse("")).contains("no-store");

        HttpResponse<String> stale = patch(upload, 0, "application/offset+octet-stream", new byte[1024]);
        assertThat(stale.statusCode()).as("a PATCH at an offset that is not the server's").isEqualTo(409);
        HttpResponse<String> wrongType = patch(upload, 2L * MIB, "application/octet-stream", new byte[1024]);
        assertThat(wrongType.statusCode()).as("a PATCH without the tus content type").isEqualTo(415);
        assertThat(offset(upload)).as("refused PATCHes move nothing").isEqualTo(2L * MIB);

        TusUploader resumed = tus.client().resumeUpload(TusJava.upload(source, FIELDS));
        assertThat(resumed.getUploadURL()).isEqualTo(created.getUploadURL());
        assertThat(resumed.getOffset()).as("tus-java-client resumes where HEAD says").isEqualTo(2L * MIB);
        resumed.setRequestPayloadSize(MIB);
        while (resumed.uploadChunk() > -1) {
            // through to the end, one 1 MiB PATCH after the other
        }
        resumed.finish();

        assertThat(offset(upload)).isEqualTo(6L * MIB);
        assertStored(upload, 6L * MIB, sha256);
        // tus-java-client's loop above ended with an empty PATCH at the final offset; as such, it is no conflict.
        HttpResponse<String> empty = patch(upload, 6L * MIB, "application/offset+octet-stream", new byte[0]);
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(204);
        assertThat(empty.headers().firstValue("Upload-Offset")).hasValue(Long.toString(6L * MIB));
    }

    @Test
    void a_terminated_upload_is_gone_and_takes_no_more_bytes() throws Exception {
        Path source = folder.resolve("plan.bin");
        TusUploads.writeSource(source, 3L * MIB, 23);
        TusJava tus = new TusJava(server.uri(TusUploads.ENDPOINT));
        TusUploader uploader = tus.client().createUpload(TusJava.upload(source, FIELDS));
        uploader.setChunkSize(MIB);
        uploader.setRequestPayloadSize(MIB);
        uploader.uploadChunk();
        uploader.finish();
        URI upload = uri(uploader.getUploadURL());
        assertThat(offset(upload)).isPositive();

        HttpResponse<String> deleted = TusUploads.send(HttpRequest.newBuilder(upload).header("Tus-Resumable", "1.0.0")
                .DELETE());

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(head(upload).statusCode()).isIn(404, 410);
        assertThat(patch(upload, MIB, "application/offset+octet-stream", new byte[10]).statusCode()).isIn(404, 410);
        assertThat(head(server.uri(TusUploads.ENDPOINT + "/" + "0".repeat(32))).statusCode())
                .as("an upload that never existed").isEqualTo(404);
    }

    private void assertStored(URI upload, long size, String sha256) {
        String fileId = TusUploads.fileIdOf(upload).orElseThrow(() -> new AssertionError("no file linked by " + upload));
        Reply file = server.get("/api/v1/files/" + fileId);
        assertThat(file.status()).as(file.toString()).isEqualTo(200);
        assertThat(file.json().path("file_size").asLong()).isEqualTo(size);
        assertThat(file.json().path("checksum").asText()).isEqualTo(sha256);
        assertThat(TusUploads.sha256(server.storedFile(file.json()))).isEqualTo(sha256);
    }

    /** Sends the head of a PATCH and {@code sent} bytes of its body, then closes the connection. */
    private static void interruptedPatch(URI upload, Path source, long announced, int sent) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), upload.getPort());
             InputStream in = Files.newInputStream(source)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + upload.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1:" + upload.getPort() + "\r\n"
                    + "Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                    + "Content-Length: " + (announced) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(in.readNBytes(sent));
            out.flush();
        }
    }

    private static long progressOffset(URI upload) {
        HttpResponse<String> progress = TusUploads.send(HttpRequest.newBuilder(upload).header("Accept", "application/json")
                .GET());
        assertThat(progress.statusCode()).as("GET %s: %s", upload, progress.body()).isEqualTo(200);
        try {
            return JSON.readTree(progress.body()).path("offset").asLong(-1);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + progress.body(), e);
        }
    }

    private static long offset(URI upload) {
        HttpResponse<String> head = head(upload);
        assertThat(head.statusCode()).as("HEAD %s", upload).isIn(200, 204);
        return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
    }

    private static HttpResponse<String> head(URI upload) {
        return TusUploads.send(HttpRequest.newBuilder(upload).header("Tus-Resumable", "1.0.0")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> patch(URI upload, long offset, String contentType, byte[] body) {
        return TusUploads.send(HttpRequest.newBuilder(upload).header("Tus-Resumable", "1.0.0")
                .header("Upload-Offset", Long.toString(offset)).header("Content-Type", contentType)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static List<String> list(HttpResponse<String> response, String header) {
        return response.headers().allValues(header).stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(String::trim).toList();
    }

    private static URI uri(java.net.URL url) throws Exception {
        return url.toURI();
    }
}
