package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.Tus;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tus 1.0 protocol and its extensions under {@code /api/v1/uploads}, through HTTP. */
class TusProtocolTest {

    private static TestServer server;
    private static Tus tus;

    @BeforeAll
    static void start() {
        server = TestServer.builder().env("INGESTER_UPLOADS_CORS_ALLOWED_ORIGINS", "https://app.example").start();
        tus = new Tus(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map<String, String> edit(String filename) {
        return Tus.fields("filename", filename, "target_mode", "edit");
    }

    private static JsonNode progress(String upload) {
        Reply reply = server.get(upload);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }

    private static Path staged(String upload) {
        return server.dataDir().resolve("staging").resolve(upload.substring(upload.lastIndexOf('/') + 1) + ".bin");
    }

    @Test
    void options_advertise_the_version_extensions_size_and_checksums() {
        Reply reply = server.send(java.net.http.HttpRequest.newBuilder(server.uri(Tus.PATH))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(reply.status()).isEqualTo(204);
        assertThat(reply.headers().firstValue("Tus-Version")).contains("1.0.0");
        assertThat(reply.headers().firstValue("Tus-Resumable")).contains("1.0.0");
        assertThat(reply.headers().firstValue("Tus-Extension").orElseThrow().split(",")).contains("creation",
                "creation-with-upload", "creation-defer-length", "termination", "concatenation", "checksum", "expiration");
        assertThat(reply.headers().firstValue("Tus-Max-Size")).contains(Long.toString(server.config().upload().maxFileBytes()));
        assertThat(reply.headers().firstValue("Tus-Checksum-Algorithm")).contains("sha256,sha1");
    }

    @Test
    void an_upload_sent_in_chunks_is_stored_with_its_fields_and_links_its_file() throws IOException {
        byte[] content = Content.random(700_000);
        String upload = tus.created(content.length, Tus.fields("filename", "survey.bin", "target_mode", "edit",
                "description", "a survey", "metadata", "{\"project\":\"atlas\"}", "checksum", Content.sha256(content)));

        assertThat(upload).startsWith(Tus.PATH + "/");
        assertThat(tus.offset(upload)).isZero();
        tus.patch(upload, 0, Arrays.copyOfRange(content, 0, 300_000));
        assertThat(tus.offset(upload)).isEqualTo(300_000);
        Reply last = tus.patch(upload, 300_000, Arrays.copyOfRange(content, 300_000, content.length));

        assertThat(last.status()).as(last.toString()).isEqualTo(204);
        String fileId = last.headers().firstValue("X-ArtStore-File-Id").orElseThrow();
        assertThat(last.headers().firstValue("Link")).contains("</api/v1/files/" + fileId + ">; rel=\"item\"");
        assertThat(last.headers().firstValue("Location")).contains("/api/v1/files/" + fileId);
        Reply head = tus.head(upload);
        assertThat(head.headers().firstValue("X-ArtStore-File-Id")).contains(fileId);
        assertThat(head.headers().firstValue("Location")).contains("/api/v1/files/" + fileId);
        assertThat(head.headers().firstValue("Upload-Offset")).contains(Long.toString(content.length));
        JsonNode json = progress(upload);
        assertThat(json.path("state").asText()).isEqualTo("completed");
        assertThat(json.path("file_id").asText()).isEqualTo(fileId);
        assertThat(json.path("file_url").asText()).isEqualTo("/api/v1/files/" + fileId);
        JsonNode file = server.get("/api/v1/files/" + fileId).json();
        assertThat(file.path("original_filename").asText()).isEqualTo("survey.bin");
        assertThat(file.path("description").asText()).isEqualTo("a survey");
        assertThat(file.path("metadata").path("project").asText()).isEqualTo("atlas");
        assertThat(Files.readAllBytes(server.storedFile(file))).isEqualTo(content);
        assertThat(staged(upload)).doesNotExist();
    }

    @Test
    void a_completed_upload_becomes_the_stored_file_without_its_bytes_being_copied() throws IOException {
        byte[] content = Content.random(600_000);
        String upload = tus.created(content.length, Tus.fields("filename", "linked.bin", "target_mode", "edit",
                "checksum", Content.sha256(content)));
        tus.patch(upload, 0, Arrays.copyOfRange(content, 0, 250_000));
        Object stagedInode = Files.getAttribute(staged(upload), "unix:ino");

        Reply last = tus.patch(upload, 250_000, Arrays.copyOfRange(content, 250_000, content.length));

        assertThat(last.status()).as(last.toString()).isEqualTo(204);
        JsonNode file = server.get("/api/v1/files/" + last.headers().firstValue("X-ArtStore-File-Id").orElseThrow()).json();
        Path stored = server.storedFile(file);
        assertThat(Files.getAttribute(stored, "unix:ino")).as("the stored file is the staged one").isEqualTo(stagedInode);
        assertThat(Files.readAllBytes(stored)).isEqualTo(content);
        assertThat(file.path("checksum").asText()).isEqualTo(Content.sha256(content));
        assertThat(staged(upload)).doesNotExist();
    }

    @Test
    void an_upload_whose_bytes_contradict_its_checksum_field_fails_and_stores_nothing() {
        byte[] content = Content.random(400_000);
        byte[] other = content.clone();
        other[0] ^= 1;
        String upload = tus.created(content.length, Tus.fields("filename", "wrong.bin", "target_mode", "edit",
                "checksum", Content.sha256(other)));
        tus.patch(upload, 0, Arrays.copyOfRange(content, 0, 100_000));

        Reply last = tus.patch(upload, 100_000, Arrays.copyOfRange(content, 100_000, content.length));

        assertThat(last.status()).as(last.toString()).isGreaterThanOrEqualTo(400);
        assertThat(last.json().path("code").asText()).isEqualTo("checksum_mismatch");
        JsonNode json = progress(upload);
        assertThat(json.path("state").asText()).isEqualTo("failed");
        assertThat(json.path("file_id").isMissingNode() || json.path("file_id").isNull()).as(json.toString()).isTrue();
        assertThat(staged(upload)).doesNotExist();
    }

    @Test
    void the_last_patch_answers_json_to_a_client_that_asks_for_it() {
        byte[] content = Content.random(10_000);
        String upload = tus.created(content.length, edit("json.bin"));

        Reply reply = tus.send(tus.patchRequest(upload, 0, content).header("Accept", "application/json"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().path("state").asText()).isEqualTo("completed");
        assertThat(reply.json().path("file_id").asText()).isEqualTo(reply.headers().firstValue("X-ArtStore-File-Id").orElseThrow());
    }

    @Test
    void creation_with_upload_takes_the_first_bytes_with_the_post() {
        byte[] content = Content.random(50_000);
        Reply created = tus.send(tus.request(Tus.PATH).header("Upload-Length", Integer.toString(content.length))
                .header("Upload-Metadata", Tus.metadata(edit("first.bin")))
                .header("Content-Type", "application/offset+octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(content, 20_000))));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.headers().firstValue("Upload-Offset")).contains("20000");
        String upload = created.headers().firstValue("Location").orElseThrow();
        Reply last = tus.patch(upload, 20_000, Arrays.copyOfRange(content, 20_000, content.length));
        assertThat(last.status()).isEqualTo(204);
        assertThat(last.headers().firstValue("X-ArtStore-File-Id")).isPresent();
    }

    @Test
    void a_deferred_length_is_given_with_a_later_patch() {
        byte[] content = Content.random(90_000);
        Reply created = tus.send(tus.request(Tus.PATH).header("Upload-Defer-Length", "1")
                .header("Upload-Metadata", Tus.metadata(edit("stream.bin"))).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String upload = created.headers().firstValue("Location").orElseThrow();

        assertThat(tus.patch(upload, 0, Arrays.copyOf(content, 40_000)).status()).isEqualTo(204);
        Reply head = tus.head(upload);
        assertThat(head.headers().firstValue("Upload-Defer-Length")).contains("1");
        assertThat(head.headers().firstValue("Upload-Length")).isEmpty();
        Reply last = tus.send(tus.patchRequest(upload, 40_000, Arrays.copyOfRange(content, 40_000, content.length))
                .header("Upload-Length", Integer.toString(content.length)));

        assertThat(last.status()).as(last.toString()).isEqualTo(204);
        assertThat(last.headers().firstValue("X-ArtStore-File-Id")).isPresent();
        assertThat(progress(upload).path("length").asLong()).isEqualTo(content.length);
    }

    @Test
    void termination_deletes_the_upload_and_its_staged_bytes() {
        String upload = tus.created(100_000, edit("gone.bin"));
        tus.patch(upload, 0, Content.random(30_000));
        assertThat(staged(upload)).exists();

        Reply deleted = tus.send(tus.request(upload).DELETE());

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(tus.head(upload).status()).isEqualTo(404);
        assertThat(staged(upload)).doesNotExist();
    }

    @Test
    void four_partial_uploads_sent_in_parallel_concatenate_into_one_file_created_first() throws Exception {
        byte[] content = Content.random(4 * 150_000 + 7);
        int[] bounds = {0, 150_000, 300_000, 450_000, content.length};
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Reply created = tus.send(tus.request(Tus.PATH).header("Upload-Length", Integer.toString(bounds[i + 1] - bounds[i]))
                    .header("Upload-Concat", "partial").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            parts.add(created.headers().firstValue("Location").orElseThrow());
        }
        // The final upload exists before its parts have their bytes.
        Reply fin = tus.send(tus.request(Tus.PATH).header("Upload-Concat", "final;" + String.join(" ", parts))
                .header("Upload-Metadata", Tus.metadata(Tus.fields("filename", "joined.bin", "target_mode", "edit",
                        "checksum", Content.sha256(content)))).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(fin.status()).as(fin.toString()).isEqualTo(201);
        String finalUpload = fin.headers().firstValue("Location").orElseThrow();
        assertThat(progress(finalUpload).path("state").asText()).isEqualTo("receiving");

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Reply>> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int index = i;
                sent.add(pool.submit(() -> tus.patch(parts.get(index), 0, Arrays.copyOfRange(content, bounds[index], bounds[index + 1]))));
            }
            for (Future<Reply> reply : sent) {
                assertThat(reply.get(60, TimeUnit.SECONDS).status()).isEqualTo(204);
            }
        } finally {
            pool.shutdownNow();
        }

        TestServer.await("the final upload is stored", () -> progress(finalUpload).path("state").asText().equals("completed"));
        JsonNode json = progress(finalUpload);
        JsonNode file = server.get("/api/v1/files/" + json.path("file_id").asText()).json();
        assertThat(Files.readAllBytes(server.storedFile(file))).isEqualTo(content);
        assertThat(json.path("length").asLong()).isEqualTo(content.length);
        for (String part : parts) {
            assertThat(staged(part)).doesNotExist();
        }
    }

    @Test
    void a_final_upload_created_after_its_parts_completes_at_once() {
        byte[] first = Content.random(1000);
        byte[] second = Content.random(2000);
        List<String> parts = new ArrayList<>();
        for (byte[] bytes : List.of(first, second)) {
            Reply created = tus.send(tus.request(Tus.PATH).header("Upload-Length", Integer.toString(bytes.length))
                    .header("Upload-Concat", "partial").POST(HttpRequest.BodyPublishers.noBody()));
            String part = created.headers().firstValue("Location").orElseThrow();
            assertThat(tus.patch(part, 0, bytes).status()).isEqualTo(204);
            parts.add(part);
        }

        Reply fin = tus.send(tus.request(Tus.PATH).header("Upload-Concat", "final;" + String.join(" ", parts))
                .header("Upload-Metadata", Tus.metadata(edit("late.bin"))).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(fin.status()).as(fin.toString()).isEqualTo(201);
        assertThat(fin.headers().firstValue("X-ArtStore-File-Id")).isPresent();
        assertThat(fin.headers().firstValue("Location").orElseThrow()).as("a creation's Location stays the upload's")
                .startsWith(Tus.PATH + "/");
        assertThat(fin.headers().firstValue("Upload-Length")).contains("3000");
        assertThat(fin.headers().firstValue("Upload-Concat").orElseThrow()).startsWith("final;" + parts.get(0));
    }

    @Test
    void a_chunk_that_contradicts_its_checksum_is_refused_with_460_and_the_offset_stays() {
        byte[] content = Content.random(200_000);
        String upload = tus.created(content.length, edit("checked.bin"));
        byte[] first = Arrays.copyOf(content, 100_000);
        assertThat(tus.send(tus.patchRequest(upload, 0, first).header("Upload-Checksum", "sha1 " + Tus.base64Digest("SHA-1", first)))
                .status()).isEqualTo(204);
        byte[] second = Arrays.copyOfRange(content, 100_000, content.length);
        byte[] corrupted = second.clone();
        corrupted[5000] ^= 1;

        Reply refused = tus.send(tus.patchRequest(upload, 100_000, corrupted)
                .header("Upload-Checksum", "sha256 " + Tus.base64Digest("SHA-256", second)));
        Reply refusedByDigest = tus.send(tus.patchRequest(upload, 100_000, corrupted)
                .header("Content-Digest", "sha-256=:" + Tus.base64Digest("SHA-256", second) + ":"));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(460);
        assertThat(refused.code()).isEqualTo("checksum_mismatch");
        assertThat(refusedByDigest.status()).as(refusedByDigest.toString()).isEqualTo(460);
        assertThat(tus.offset(upload)).isEqualTo(100_000);
        Reply accepted = tus.send(tus.patchRequest(upload, 100_000, second)
                .header("Content-Digest", "sha-512=:" + Tus.base64Digest("SHA-512", second) + ":, md5=:AAAA:"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(204);
        JsonNode file = server.get("/api/v1/files/" + accepted.headers().firstValue("X-ArtStore-File-Id").orElseThrow()).json();
        assertThat(file.path("checksum").asText()).isEqualTo(Content.sha256(content));
    }

    @Test
    void an_unknown_checksum_algorithm_is_refused() {
        String upload = tus.created(10, edit("md5.bin"));

        Reply reply = tus.send(tus.patchRequest(upload, 0, new byte[10]).header("Upload-Checksum", "md5 AAAA"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("unsupported_checksum_algorithm");
        assertThat(tus.offset(upload)).isZero();
    }

    @Test
    void metadata_is_checked_as_the_multipart_fields_are() {
        assertThat(tus.create(10, Tus.fields("filename", "refused.bin", "target_mode", "archive")).code()).isEqualTo("invalid_target_mode");
        assertThat(tus.create(10, Tus.fields("filename", "refused.bin")).code()).isEqualTo("missing_target_mode");
        assertThat(tus.create(10, Tus.fields("target_mode", "edit")).code()).isEqualTo("missing_filename");
        assertThat(tus.create(10, Tus.fields("filename", "refused.bin", "target_mode", "rw", "ttl_days", "3")).code())
                .isEqualTo("conflicting_ttl_days");
        assertThat(tus.create(10, Tus.fields("filename", "refused.bin", "target_mode", "edit", "metadata", "[1]")).code())
                .isEqualTo("invalid_metadata");
        assertThat(tus.create(10, Tus.fields("filename", "refused.bin", "target_mode", "edit", "compression_algorithm", "lzma")).code())
                .isEqualTo("unsupported_compression");
        Reply badBase64 = tus.send(tus.request(Tus.PATH).header("Upload-Length", "10")
                .header("Upload-Metadata", "filename !!!,target_mode ZWRpdA==").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(badBase64.status()).isEqualTo(400);
        assertThat(badBase64.code()).isEqualTo("invalid_upload_metadata");
        assertThat(server.get(Tus.PATH).json().path("uploads").findValuesAsText("filename")).doesNotContain("refused.bin");
    }

    @Test
    void metadata_goes_back_into_headers_as_base64_only() {
        String upload = tus.created(10, Tus.fields("filename", "a.bin", "target_mode", "edit",
                "description", "line one\r\nSet-Cookie: x=1"));

        Reply head = tus.head(upload);

        assertThat(head.headers().firstValue("Set-Cookie")).isEmpty();
        String metadata = head.headers().firstValue("Upload-Metadata").orElseThrow();
        assertThat(metadata).matches("[A-Za-z0-9_ ,+/=.\\-]+");
        assertThat(Tus.metadata(Tus.fields("filename", "a.bin"))).isSubstringOf(metadata);
    }

    @Test
    void a_request_without_tus_resumable_is_refused_with_412() {
        Reply reply = server.send(HttpRequest.newBuilder(server.uri(Tus.PATH)).header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(reply.status()).isEqualTo(412);
        assertThat(reply.code()).isEqualTo("tus_version_unsupported");
        assertThat(reply.headers().firstValue("Tus-Version")).contains("1.0.0");
    }

    @Test
    void a_patch_at_another_offset_is_refused_with_409() {
        String upload = tus.created(100, edit("offset.bin"));

        Reply reply = tus.patch(upload, 10, new byte[10]);

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.code()).isEqualTo("offset_mismatch");
        assertThat(tus.offset(upload)).isZero();
    }

    @Test
    void x_http_method_override_turns_a_post_into_a_patch_or_delete() {
        String upload = tus.created(100, edit("override.bin"));

        Reply patched = tus.send(tus.request(upload).header("X-HTTP-Method-Override", "PATCH").header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[40])));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(204);
        assertThat(tus.offset(upload)).isEqualTo(40);

        Reply deleted = tus.send(tus.request(upload).header("X-HTTP-Method-Override", "DELETE").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(tus.head(upload).status()).isEqualTo(404);
    }

    @Test
    void cors_lets_the_allowed_origin_read_the_tus_headers() {
        Reply preflight = server.send(HttpRequest.newBuilder(server.uri(Tus.PATH)).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "upload-length")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        Reply other = server.send(HttpRequest.newBuilder(server.uri(Tus.PATH)).header("Origin", "https://evil.example")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("PATCH");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).contains("Upload-Length");
        assertThat(preflight.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("Upload-Offset", "Location");
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void uploads_in_flight_are_listed_with_their_progress_and_in_the_status() {
        String upload = tus.created(1000, edit("listed.bin"));
        tus.patch(upload, 0, new byte[250]);
        String id = upload.substring(upload.lastIndexOf('/') + 1);

        JsonNode list = server.get(Tus.PATH).json();
        JsonNode status = server.status().path("uploads");

        for (JsonNode section : List.of(list, status)) {
            JsonNode entry = null;
            for (JsonNode each : section.path("uploads")) {
                if (each.path("id").asText().equals(id)) {
                    entry = each;
                }
            }
            assertThat(entry).as(section.toString()).isNotNull();
            assertThat(entry.path("offset").asLong()).isEqualTo(250);
            assertThat(entry.path("length").asLong()).isEqualTo(1000);
            assertThat(entry.path("state").asText()).isEqualTo("receiving");
            assertThat(entry.has("bytes_per_second")).isTrue();
            assertThat(entry.has("eta_seconds")).isTrue();
        }
    }

    @Test
    void progress_events_stream_until_the_upload_completes() throws Exception {
        byte[] content = Content.random(5000);
        String upload = tus.created(content.length, edit("events.bin"));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> events = client.send(
                HttpRequest.newBuilder(server.uri(upload + "/events")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");

        tus.patch(upload, 0, content);

        List<String> data = events.body().filter(line -> line.startsWith("data: ")).toList();
        assertThat(data).isNotEmpty();
        assertThat(data.get(0)).contains("\"offset\":0");
        assertThat(data.get(data.size() - 1)).contains("\"state\":\"completed\"").contains("\"file_id\"");
    }

    @Test
    void an_unknown_upload_is_404() {
        assertThat(tus.head(Tus.PATH + "/0123456789abcdef0123456789abcdef").status()).isEqualTo(404);
        assertThat(tus.head(Tus.PATH + "/not-an-id").status()).isEqualTo(404);
        assertThat(server.get(Tus.PATH + "/0123456789abcdef0123456789abcdef").code()).isEqualTo("upload_not_found");
    }
}
