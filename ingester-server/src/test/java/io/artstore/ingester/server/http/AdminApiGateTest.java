package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The admin API is off (404) while authentication is off, unless {@code admin.enabled_without_auth} says otherwise;
 * the decision is {@code security.AccessControl}'s.
 */
class AdminApiGateTest {

    @Test
    void without_the_setting_every_admin_route_answers_404_and_no_saga_is_touched() {
        try (TestServer server = TestServer.start()) {
            String sagaId = upload(server);
            Map<Path, String> sagaLogBefore = sagaLog(server);
            String sagaBefore = server.get("/api/v1/sagas/" + sagaId).body();

            Reply list = server.get("/api/v1/admin/sagas?state=completed");
            Reply retry = server.post("/api/v1/admin/sagas/" + sagaId + "/retry", "application/json", new byte[0]);
            Reply unknown = server.get("/api/v1/admin/no-such-action");
            Reply blocks = server.get("/api/v1/admin/blocks");

            for (Reply reply : new Reply[] {list, retry, unknown, blocks}) {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
                assertThat(reply.code()).isEqualTo("admin_api_disabled");
                assertThat(reply.json().path("message").asText()).contains("admin.enabled_without_auth",
                        "INGESTER_ADMIN_ENABLED_WITHOUT_AUTH");
                assertThat(reply.json().path("detail").asText()).isEqualTo(reply.json().path("message").asText());
            }
            assertThat(list.body()).doesNotContain(sagaId);
            for (String disguised : new String[] {"/api/v1/%61dmin/sagas?state=completed", "/api/v1/admin//sagas?state=completed",
                    "/api/v1/./admin/sagas?state=completed", "/api/v1/admin/sagas/?state=completed"}) {
                Reply reply = server.get(disguised);
                assertThat(reply.status()).as("%s: %s", disguised, reply).isNotEqualTo(200);
                assertThat(reply.body()).as(disguised).doesNotContain(sagaId);
            }
            assertThat(sagaLog(server)).as("the saga log").isEqualTo(sagaLogBefore);
            assertThat(server.get("/api/v1/sagas/" + sagaId).body()).isEqualTo(sagaBefore);
            assertThat(server.get("/api/v1/sagas/" + sagaId).status()).as("a saga stays readable by its id").isEqualTo(200);
            assertThat(server.status().path("configuration").path("admin").path("enabled_without_auth").asBoolean()).isFalse();
        }
    }

    @Test
    void with_the_setting_on_the_admin_routes_answer() {
        try (TestServer server = TestServer.builder().adminApi().start()) {
            String sagaId = upload(server);

            Reply list = server.get("/api/v1/admin/sagas?state=completed");
            Reply retry = server.post("/api/v1/admin/sagas/" + sagaId + "/retry", "application/json", new byte[0]);

            assertThat(list.status()).as(list.toString()).isEqualTo(200);
            assertThat(list.body()).contains(sagaId);
            assertThat(retry.status()).as("the route itself answers: a completed saga is not parked").isEqualTo(409);
            assertThat(retry.code()).isEqualTo("saga_not_parked");
            assertThat(server.get("/api/v1/admin/no-such-action").status()).isEqualTo(404);
            assertThat(server.status().path("configuration").path("admin").path("enabled_without_auth").asBoolean()).isTrue();
        }
    }

    private static String upload(TestServer server) {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("a.txt", Content.random(100)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json().path("saga_id").asText();
    }

    /** Every file of the saga log with its bytes in hex. */
    private static Map<Path, String> sagaLog(TestServer server) {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(server.dataDir().resolve("sagas"))) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(file, HexFormat.of().formatHex(Files.readAllBytes(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(files).as("saga log files").isNotEmpty();
        return files;
    }
}
