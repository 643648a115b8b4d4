package io.artstore.ingester.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.Tus;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resumable uploads under authentication: the same permission as other uploads, and temporary tokens counted once. */
class TusAccessTest {

    @TempDir
    static Path folder;

    private static SecureServer secure;

    @BeforeAll
    static void start() {
        secure = SecureServer.start(folder, "INGESTER_LIMITS_AUTH_FAILURES_BEFORE_BLOCK", "0");
    }

    @AfterAll
    static void stop() {
        secure.close();
    }

    private static Tus as(String token) {
        return new Tus(request -> secure.server().send(token == null ? request : request.header("Authorization", "Bearer " + token)),
                secure.server()::uri);
    }

    @Test
    void uploads_need_a_token_with_the_upload_permission_and_belong_to_their_creator() {
        assertThat(as(null).create(10, Tus.fields("filename", "a.bin", "target_mode", "edit")).status()).isEqualTo(401);
        assertThat(as(secure.token("readonly", "r")).create(10, Tus.fields("filename", "a.bin", "target_mode", "edit")).status())
                .isEqualTo(403);
        Reply preflight = secure.server().send(HttpRequest.newBuilder(secure.server().uri(Tus.PATH))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.status()).as("discovery needs no token").isEqualTo(204);

        Tus alice = as(secure.token("user", "alice"));
        String upload = alice.created(10, Tus.fields("filename", "mine.bin", "target_mode", "edit"));

        Tus bob = as(secure.token("user", "bob"));
        assertThat(bob.head(upload).status()).as("another subject does not see it").isEqualTo(404);
        assertThat(bob.patch(upload, 0, new byte[10]).status()).isEqualTo(404);
        assertThat(alice.offset(upload)).isZero();
    }

    @Test
    void a_single_use_temporary_token_counts_the_upload_once_and_its_size_by_upload_length() {
        String user = secure.token("user", "dave");
        String temporary = secure.postJson(user, "/api/v1/tokens",
                "{\"operation\":\"files:upload\",\"mode\":\"edit\",\"max_bytes\":200000,\"uses\":1}").json().path("access_token").asText();
        Tus tus = as(temporary);
        byte[] content = Content.random(150_000);

        String upload = tus.created(content.length, Tus.fields("filename", "browser.bin", "target_mode", "edit"));
        assertThat(tus.patch(upload, 0, Arrays.copyOf(content, 50_000)).status()).isEqualTo(204);
        assertThat(tus.offset(upload)).isEqualTo(50_000);
        Reply last = tus.patch(upload, 50_000, Arrays.copyOfRange(content, 50_000, content.length));

        assertThat(last.status()).as("continuing spends no use: " + last).isEqualTo(204);
        Reply file = secure.get(secure.token("readonly", "r"), "/api/v1/files/" + last.headers().firstValue("X-ArtStore-File-Id").orElseThrow());
        assertThat(file.json().path("created_by_username").asText()).isEqualTo("dave");
        assertThat(tus.create(10, Tus.fields("filename", "again.bin", "target_mode", "edit")).status())
                .as("a second upload needs a second use").isEqualTo(401);

        String small = secure.postJson(user, "/api/v1/tokens", "{\"operation\":\"files:upload\",\"max_bytes\":100}")
                .json().path("access_token").asText();
        Reply tooLarge = as(small).create(101, Tus.fields("filename", "big.bin", "target_mode", "edit"));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.code()).isEqualTo("token_size_exceeded");
        Reply deferred = as(small).send(as(small).request(Tus.PATH).header("Upload-Defer-Length", "1")
                .header("Upload-Metadata", Tus.metadata(Tus.fields("filename", "d.bin", "target_mode", "edit")))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(deferred.code()).isEqualTo("length_required");
        Reply wrongMode = as(secure.postJson(user, "/api/v1/tokens", "{\"operation\":\"files:upload\",\"mode\":\"edit\"}")
                .json().path("access_token").asText()).create(10, Tus.fields("filename", "rw.bin", "target_mode", "rw"));
        assertThat(wrongMode.status()).isEqualTo(403);
    }
}
