package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Refusals that come from the storage elements: none of the mode (503), none with room (507). */
class StorageRefusalsTest {

    private static final int QUOTA = 4096;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder().adminApi().yaml("""
                storage:
                  elements:
                    - id: small-edit
                      mode: edit
                      capacity_bytes: %d
                """.formatted(QUOTA)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void no_element_of_the_mode_is_503_with_retry_after() {
        Reply reply = refused(Multipart.form().field("target_mode", "rw").file("a.txt", Content.random(10)), 503, "no_storage_element");

        assertThat(reply.headers().firstValue("Retry-After")).hasValueSatisfying(value -> assertThat(Integer.parseInt(value)).isPositive());
    }

    @Test
    void a_declared_size_that_no_element_has_room_for_is_507() {
        refused(Multipart.form().field("target_mode", "edit").field("file_size", String.valueOf(QUOTA + 1))
                .file("a.bin", Content.random(QUOTA + 1)), 507, "insufficient_storage");
    }

    @Test
    void a_spooled_file_that_no_element_has_room_for_is_507() {
        refused(Multipart.form().file("a.bin", Content.random(QUOTA + 1)).field("target_mode", "edit"), 507, "insufficient_storage");
    }

    @Test
    void a_507_known_before_any_byte_is_stored_leaves_no_saga_record() {
        int before = server.sagaCount();
        refused(Multipart.form().field("target_mode", "edit").field("file_size", String.valueOf(QUOTA + 1))
                .file("a.bin", Content.random(QUOTA + 1)), 507, "insufficient_storage");
        refused(Multipart.form().file("a.bin", Content.random(QUOTA + 1)).field("target_mode", "edit"), 507, "insufficient_storage");

        assertThat(server.sagaCount()).isEqualTo(before);
    }

    @Test
    void a_507_names_the_size_of_the_file_not_the_length_of_the_request() {
        Multipart declared = Multipart.form().field("target_mode", "edit").field("file_size", String.valueOf(QUOTA + 1))
                .field("version", "d".repeat(2000)).file("a.bin", Content.random(QUOTA + 1));
        assertThat(refused(declared, 507, "insufficient_storage").json().path("message").asText())
                .contains((QUOTA + 1) + " bytes").doesNotContain(String.valueOf(declared.bytes().length));

        Multipart spooled = Multipart.form().file("a.bin", Content.random(QUOTA + 1)).field("version", "d".repeat(2000))
                .field("target_mode", "edit");
        assertThat(refused(spooled, 507, "insufficient_storage").json().path("message").asText())
                .contains((QUOTA + 1) + " bytes").doesNotContain(String.valueOf(spooled.bytes().length));

        Multipart streamed = Multipart.form().field("target_mode", "edit").field("version", "d".repeat(2000))
                .file("a.bin", Content.random(QUOTA + 1));
        assertThat(refused(streamed, 507, "insufficient_storage").json().path("message").asText())
                .doesNotContain(String.valueOf(streamed.bytes().length));
    }

    @Test
    void a_streamed_file_that_fits_is_taken_though_its_request_is_longer_than_the_room() {
        long free = server.status().path("storage_elements").path(0).path("capacity").path("available").asLong();
        byte[] content = Content.random((int) free - 1000);
        Multipart form = Multipart.form().field("target_mode", "edit").field("version", "d".repeat(1500))
                .file("most.bin", content);
        assertThat(form.bytes().length).isGreaterThan((int) free);

        Reply reply = server.upload(form);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(server.outstandingBytes()).isZero();
    }

    @Test
    void a_file_within_the_quota_is_taken() {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("small.bin", Content.random(100)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo("small-edit");
    }

    private static Reply refused(Multipart form, int status, String code) {
        List<Path> before = server.files();
        Reply reply = server.upload(form);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.code()).isEqualTo(code);
        assertThat(server.files()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(server.outstandingBytes()).isZero();
        return reply;
    }
}
