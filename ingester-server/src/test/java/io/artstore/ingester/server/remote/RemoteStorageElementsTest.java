package io.artstore.ingester.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Upload, look-up, transfer and delete through the server with both storage elements in other servers. */
class RemoteStorageElementsTest {

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void upload_get_and_delete_pass_through_remote_elements(Transport transport) {
        try (RemoteElements remote = new RemoteElements(root)) {
            Element edit = remote.start("remote-edit", Mode.EDIT, 10, transport);
            Element rw = remote.start("remote-rw", Mode.RW, 10, transport);
            try (TestServer server = TestServer.builder().yaml(remote.yaml("")).start()) {
                byte[] content = Content.random(300_000);

                Reply uploaded = server.upload(Multipart.form().field("target_mode", "edit").field("description", "minutes")
                        .file("file", "minutes.bin", "application/octet-stream", content));

                assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
                JsonNode file = uploaded.json();
                String fileId = file.path("file_id").asText();
                assertThat(file.path("storage_element_id").asText()).isEqualTo("remote-edit");
                assertThat(file.path("storage_element_url").asText()).isEqualTo(edit.server().url().toString());
                assertThat(file.path("checksum").asText()).isEqualTo(Content.sha256(content));
                Path stored = edit.storedFile(fileId).orElseThrow();
                assertThat(RemoteElements.sha256(stored)).as("the bytes on the SE's disk").isEqualTo(Content.sha256(content));
                if (transport == Transport.TLS) {
                    assertThat(edit.server().protocolsSeen()).as("HTTP/1.1 only, as uvicorn").containsOnly("HTTP/1.1");
                } else {
                    assertThat(edit.server().protocolsSeen()).containsOnly("HTTP/1.1");
                }

                Reply found = server.get("/api/v1/files/" + fileId);
                assertThat(found.status()).as(found.toString()).isEqualTo(200);
                assertThat(found.json().path("checksum").asText()).isEqualTo(Content.sha256(content));
                assertThat(found.json().path("description").asText()).isEqualTo("minutes");
                assertThat(found.json().path("storage_element_id").asText()).isEqualTo("remote-edit");

                Reply finalFile = server.upload(Multipart.form().field("target_mode", "rw").file("final.bin", Content.random(5_000)));
                assertThat(finalFile.status()).as(finalFile.toString()).isEqualTo(201);
                assertThat(finalFile.json().path("storage_element_id").asText()).isEqualTo("remote-rw");
                assertThat(rw.storedFile(finalFile.json().path("file_id").asText())).isPresent();

                Reply deleted = server.delete("/api/v1/files/" + fileId);
                assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
                assertThat(edit.storedFile(fileId)).as("gone from the SE").isEmpty();
                assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(404);
                remote.assertNothingHalfWritten();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_signed_file_transferred_through_the_server_moves_to_the_remote_rw_element_whole(Transport transport) {
        try (RemoteElements remote = new RemoteElements(root)) {
            Element edit = remote.start("remote-edit", Mode.EDIT, 10, transport);
            Element rw = remote.start("remote-rw", Mode.RW, 10, transport);
            try (TestServer server = TestServer.builder().yaml(remote.yaml("")).start()) {
                byte[] content = Content.random(200_000);
                Reply uploaded = server.upload(Multipart.form().field("target_mode", "edit").field("sign", "true")
                        .file("file", "survey.bin", "application/octet-stream", content));
                assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
                String fileId = uploaded.json().path("file_id").asText();
                assertThat(uploaded.json().path("signature").isObject()).as("signed: %s", uploaded).isTrue();
                Path onEdit = edit.storedFile(fileId).orElseThrow();
                JsonNode signatureFields = RemoteElements.attributes(onEdit).path("metadata").path("ingester").path("signature");
                String signatureId = signatureFields.path("file_id").asText();
                assertThat(signatureFields.path("original_filename").asText()).isEqualTo("survey.bin.sig");
                Path signatureOnEdit = edit.storedFile(signatureId).orElseThrow();
                String signature = RemoteElements.sha256(signatureOnEdit);
                assertThat(RemoteElements.attributes(signatureOnEdit).path("metadata").path("ingester").path("sidecar_of").asText())
                        .as("the signature file names the file it signs").isEqualTo(fileId);
                TransferSteps steps = new TransferSteps(server);

                String transactionId = steps.started(fileId);
                JsonNode ended = steps.awaitEnd(transactionId);

                assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("committed");
                assertThat(edit.storedFiles()).as("left on the edit SE").isEmpty();
                Path onRw = rw.storedFile(fileId).orElseThrow();
                Path signatureOnRw = rw.storedFile(signatureId).orElseThrow();
                assertThat(rw.storedFiles()).as("the file, its signature file and their attr.json").containsExactlyInAnyOrder(
                        onRw, Path.of(onRw + ".attr.json"), signatureOnRw, Path.of(signatureOnRw + ".attr.json"));
                assertThat(RemoteElements.sha256(onRw)).as("the bytes on the rw SE's disk").isEqualTo(Content.sha256(content));
                JsonNode attributes = RemoteElements.attributes(onRw);
                assertThat(attributes.path("file_id").asText()).isEqualTo(fileId);
                assertThat(attributes.path("checksum").asText()).isEqualTo(Content.sha256(content));
                assertThat(attributes.path("metadata").path("ingester").has("staging")).as("no staging mark").isFalse();
                assertThat(attributes.path("metadata").path("ingester").path("retention_policy").asText()).isEqualTo("permanent");
                assertThat(RemoteElements.sha256(rw.storedFile(signatureId).orElseThrow())).as("the signature file, moved with the file")
                        .isEqualTo(signature);

                Reply found = server.get("/api/v1/files/" + fileId);
                assertThat(found.status()).as(found.toString()).isEqualTo(200);
                assertThat(found.json().path("storage_element_id").asText()).isEqualTo("remote-rw");
                assertThat(found.json().path("storage_element_url").asText()).isEqualTo(rw.server().url().toString());
                assertThat(found.json().path("mode").asText()).isEqualTo("rw");
                assertThat(found.json().path("checksum").asText()).isEqualTo(Content.sha256(content));
                Reply verified = server.get("/api/v1/files/" + fileId + "/signature/verify");
                assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
                assertThat(verified.json().path("valid").asBoolean()).as(verified.toString()).isTrue();
                if (transport == Transport.TLS) {
                    assertThat(edit.server().protocolsSeen()).as("HTTP/1.1 only, as uvicorn").containsOnly("HTTP/1.1");
                    assertThat(rw.server().protocolsSeen()).as("HTTP/1.1 only, as uvicorn").containsOnly("HTTP/1.1");
                } else {
                    assertThat(rw.server().protocolsSeen()).containsOnly("HTTP/1.1");
                }
                remote.assertNothingHalfWritten();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_compressed_upload_reads_back_its_original_size_checksum_and_compression_from_the_catalogue(Transport transport) {
        try (RemoteElements remote = new RemoteElements(root)) {
            Element edit = remote.start("remote-edit", Mode.EDIT, 10, transport);
            remote.start("remote-rw", Mode.RW, 10, transport);
            try (TestServer server = TestServer.builder().yaml(remote.yaml("")).start()) {
                byte[] content = "the nave, bay by bay, as surveyed\n".repeat(4_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                for (String algorithm : List.of("gzip", "brotli")) {
                    Reply uploaded = server.upload(Multipart.form().field("target_mode", "edit")
                            .field("compression_algorithm", algorithm).field("metadata", "{\"case\":\"B-2\"}")
                            .file("file", "nave.txt", "text/plain", content));
                    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
                    String fileId = uploaded.json().path("file_id").asText();
                    edit.server().clearFileRequests();

                    Reply found = server.get("/api/v1/files/" + fileId);

                    assertThat(found.status()).as(found.toString()).isEqualTo(200);
                    assertThat(found.json().path("file_size").asLong()).as("the original size").isEqualTo(content.length);
                    assertThat(found.json().path("checksum").asText()).as("the original checksum").isEqualTo(Content.sha256(content));
                    assertThat(found.json().path("compressed").asBoolean()).isTrue();
                    assertThat(found.json().path("compression_algorithm").asText()).isEqualTo(algorithm);
                    assertThat(found.json().path("metadata").path("case").asText()).isEqualTo("B-2");
                    assertThat(edit.server().fileRequests()).as("read from the catalogue, not the SE").isEmpty();
                    Path stored = edit.storedFile(fileId).orElseThrow();
                    assertThat(RemoteElements.sha256(stored)).isEqualTo(found.json().path("stored_checksum").asText());
                    JsonNode ingester = RemoteElements.attributes(stored).path("metadata").path("ingester");
                    assertThat(ingester.path("original_size").asLong()).isEqualTo(content.length);
                    assertThat(ingester.path("compression_algorithm").asText()).isEqualTo(algorithm);
                    assertThat(ingester.has("staging")).as("no bookkeeping on the SE").isFalse();
                }
                remote.assertNothingHalfWritten();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void status_and_readiness_show_each_remote_element_with_its_closed_circuit(Transport transport) {
        try (RemoteElements remote = new RemoteElements(root)) {
            remote.start("remote-edit", Mode.EDIT, 10, transport);
            remote.start("remote-rw", Mode.RW, 10, transport);
            try (TestServer server = TestServer.builder().yaml(remote.yaml("")).start()) {
                Reply ready = server.get("/health/ready");

                assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
                for (JsonNode element : ready.json().path("storage_elements")) {
                    assertThat(element.path("health").asText()).isEqualTo("healthy");
                    assertThat(element.path("circuit_breaker").path("state").asText()).isEqualTo("closed");
                }
                JsonNode status = server.status();
                JsonNode edit = status.path("storage_elements").get(0);
                assertThat(edit.path("id").asText()).isEqualTo("remote-edit");
                assertThat(edit.path("capacity").path("total").asLong()).isPositive();
                assertThat(edit.path("circuit_breaker").path("failure_rate").asInt()).isZero();
                JsonNode configured = status.path("configuration").path("storage").path("elements").get(0);
                assertThat(configured.path("type").asText()).isEqualTo("http");
                assertThat(configured.path("token").asText()).isEqualTo("********");
                assertThat(status.toString()).doesNotContain(RemoteElements.TOKEN);
                if (transport == Transport.TLS) {
                    assertThat(configured.path("tls").path("trust_store_password").asText()).isEqualTo("********");
                    assertThat(configured.path("pins").get(0).asText()).isEqualTo(RemoteElements.pin());
                    assertThat(status.toString()).doesNotContain("changeit");
                }
            }
        }
    }

}
