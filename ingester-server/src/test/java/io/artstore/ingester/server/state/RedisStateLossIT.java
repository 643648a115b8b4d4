package io.artstore.ingester.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.redis.RedisConnections;
import io.artstore.ingester.redis.RedisSettings;
import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.redis.fixture.Snapshots;
import io.artstore.ingester.redis.fixture.Snapshots.Entry;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis restarted without persistence: every key is gone (the snapshot, the catalogue, the instance's lease, the
 * logs). The instance keeps the elements it last saw until the admin module writes the snapshot again, takes its
 * lease again, finds files it stored before from the elements themselves, and goes on uploading, with nothing left
 * half-written and no saga open.
 */
class RedisStateLossIT {

    private static final String CATALOG = "artstore:ingester:{catalog}:files";

    @TempDir
    Path root;

    @Test
    void after_redis_comes_back_empty_the_instance_re_establishes_its_state_and_loses_no_file() throws Exception {
        int port = RedisProcess.freePort();
        Files.createDirectories(root.resolve("se"));
        try (RemoteElements remote = new RemoteElements(root.resolve("se"))) {
            Element a = remote.start("se-a", Mode.EDIT, 10, Transport.PLAIN);
            Element b = remote.start("se-b", Mode.EDIT, 20, Transport.PLAIN);
            RedisProcess redis = RedisProcess.start(root.resolve("redis"), port);
            try (TestServer server = TestServer.builder().yaml("""
                    state: redis
                    storage:
                      data_dir: ${data}
                      elements:
                        - id: local-rw
                          mode: rw
                    shared_state:
                      instance_lease: 3s
                    sagas:
                      recovery_interval: 500ms
                    discovery:
                      poll_interval: 300ms
                      element_defaults:
                        token: %s
                    admin:
                      enabled_without_auth: on
                    """.formatted(RemoteElements.TOKEN)).env("REDIS_HOST", "127.0.0.1")
                    .env("REDIS_PORT", Integer.toString(port)).env("INGESTER_REDIS_TIMEOUT", "500ms").start()) {
                String lease = "artstore:ingester:{tx}:lease:" + server.status().path("instance_id").asText();
                String before;
                try (RedisConnections admin = RedisConnections.open(RedisSettings.standalone("127.0.0.1", port))) {
                    Snapshots.publish(admin.client(), 1, List.of(entry(1, a, 10), entry(2, b, 20)), "startup");
                    TestServer.await("discovery reads the set", () -> discovery(server).path("status").asText().equals("redis")
                            && server.status().path("storage_elements").findValuesAsText("id").contains("se-b"));
                    before = uploadTo(server, "se-a");
                    assertThat(admin.client().hexists(CATALOG, before)).isTrue();
                    assertThat(admin.client().exists(lease)).isTrue();
                }

                // Killed and started again on the same port: no persistence, so every key is gone.
                redis.kill();
                redis = RedisProcess.start(root.resolve("redis"), port);
                long restarted = System.nanoTime();
                try (RedisConnections admin = RedisConnections.open(RedisSettings.standalone("127.0.0.1", port))) {
                    TestServer.await("discovery keeps the last set it saw", () -> discovery(server).path("reason").asText()
                            .contains("holds no artstore:storage_elements"));
                    assertThat(discovery(server).path("status").asText()).isEqualTo("fallback");
                    assertThat(server.status().path("storage_elements").findValuesAsText("id")).contains("se-a", "se-b");

                    TestServer.await("the instance takes its lease again", () -> admin.client().exists(lease));
                    System.out.println("lease taken again " + Duration.ofNanos(System.nanoTime() - restarted).toMillis()
                            + " ms after Redis came back empty");
                    TestServer.await("uploads go on", () -> {
                        Reply reply = upload(server);
                        return reply.status() == 201;
                    });
                    String after = uploadTo(server, "se-a");
                    assertThat(admin.client().hexists(CATALOG, after)).isTrue();

                    // The file stored before is found on its element and catalogued again.
                    assertThat(admin.client().hexists(CATALOG, before)).isFalse();
                    Reply found = server.get("/api/v1/files/" + before);
                    assertThat(found.status()).as(found.toString()).isEqualTo(200);
                    assertThat(found.json().path("storage_element_id").asText()).isEqualTo("se-a");
                    assertThat(admin.client().hexists(CATALOG, before)).isTrue();

                    // The admin module writes its snapshot again: discovery reads Redis again and follows it.
                    Snapshots.publish(admin.client(), 2, List.of(entry(2, b, 1)), "startup");
                    TestServer.await("discovery reads Redis again", () -> discovery(server).path("status").asText().equals("redis")
                            && !server.status().path("storage_elements").findValuesAsText("id").contains("se-a"));
                    assertThat(uploadTo(server, "se-b")).isNotBlank();
                    assertThat(server.get("/api/v1/admin/sagas").json().path("sagas")).as("sagas left open").isEmpty();
                }
            } finally {
                redis.close();
            }
            assertThat(a.storedFiles().stream().filter(f -> !f.toString().endsWith(".attr.json")).count()).isEqualTo(
                    a.storedFiles().stream().filter(f -> f.toString().endsWith(".attr.json")).count());
            remote.assertNothingHalfWritten();
        }
    }

    private static Entry entry(int id, Element element, int priority) {
        return new Entry(id, element.id(), element.server().url().toString(), "edit", priority, true);
    }

    private static Reply upload(TestServer server) {
        return server.upload(Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(2_000)));
    }

    private static String uploadTo(TestServer server, String expected) {
        Reply reply = upload(server);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo(expected);
        return reply.json().path("file_id").asText();
    }

    private static JsonNode discovery(TestServer server) {
        return server.get("/health/ready").json().path("checks").path("service_discovery");
    }
}
