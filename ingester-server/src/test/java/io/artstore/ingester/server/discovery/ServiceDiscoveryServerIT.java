package io.artstore.ingester.server.discovery;

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
import io.artstore.ingester.storage.http.fixture.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against a real redis-server and fixture storage elements over TLS with pins; the admin module is
 * simulated by writing its snapshot key and publishing its event, as ArtStore's admin module does.
 */
class ServiceDiscoveryServerIT {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    @TempDir
    Path root;

    @Test
    void uploadsFollowTheAnnouncedSetWithinASecondAndFallBackWhileRedisIsGone() throws IOException {
        int port = RedisProcess.freePort();
        Files.createDirectories(root.resolve("se"));
        try (RemoteElements remote = new RemoteElements(root.resolve("se"));
                RedisProcess redis = RedisProcess.start(root.resolve("redis"), port);
                RedisConnections admin = RedisConnections.open(RedisSettings.standalone(redis.host(), port))) {
            Element a = remote.start("se-a", Mode.EDIT, 10, Transport.TLS);
            Element b = remote.start("se-b", Mode.EDIT, 20, Transport.TLS);
            Element c = remote.start("se-c", Mode.EDIT, 30, Transport.TLS);
            Element d = remote.start("se-d", Mode.EDIT, 5, Transport.TLS);
            Snapshots.publish(admin.client(), 1, List.of(entry(1, a, "edit", 10), entry(2, b, "edit", 20), entry(3, c, "edit", 30)),
                    "startup");
            Path kept;
            try (TestServer server = start(port, null)) {
                assertThat(elements(server)).isEqualTo(Map.of("local-rw", "rw", "se-a", "edit", "se-b", "edit", "se-c", "edit"));
                assertThat(discovery(server).path("status").asText()).isEqualTo("redis");
                String onA = uploadTo(server, "se-a");

                // The admin adds se-d (first by priority), puts se-a in ro and removes se-b; its message arrives.
                TestServer.await("the instance subscribes", () -> Snapshots.subscribers(redis.host(), port) > 0);
                long published = System.nanoTime();
                Snapshots.publish(admin.client(), 2, List.of(entry(1, a, "ro", 10), entry(3, c, "edit", 30),
                        entry(4, d, "edit", 5)), "updated");
                awaitWithin("the announced set", () -> elements(server).equals(
                        Map.of("local-rw", "rw", "se-a", "ro", "se-c", "edit", "se-d", "edit")));
                System.out.println("the status showed the announced set after "
                        + Duration.ofNanos(System.nanoTime() - published).toMillis() + " ms");
                assertThat(uploadTo(server, "se-d")).isNotEmpty();
                System.out.println("an upload landed on the new element after "
                        + Duration.ofNanos(System.nanoTime() - published).toMillis() + " ms");
                // A file on an element that turned ro is still read from it; the static element still takes files.
                assertThat(server.get("/api/v1/files/" + onA).json().path("storage_element_id").asText()).isEqualTo("se-a");
                assertThat(server.upload(Multipart.form().field("target_mode", "rw").file("final.bin", Content.random(1_000)))
                        .json().path("storage_element_id").asText()).isEqualTo("local-rw");

                // The next change's message is lost: polling still finds it.
                Snapshots.write(admin.client(), 3, List.of(entry(1, a, "ro", 10), entry(3, c, "edit", 1),
                        entry(4, d, "edit", 5)));
                awaitWithin("the change without a message", () -> priorities(server).get("se-c") == 1);
                TestServer.await("uploads go to se-c", () -> uploadLandsOn(server, "se-c"));
                // The leader of capacity polling shares what it polls in ArtStore's hashes.
                TestServer.await("capacity hashes", () -> "healthy".equals(admin.client().hget("capacity:se-c", "health")));

                // Redis dies: the last set is kept and the status says so.
                redis.kill();
                TestServer.await("discovery falls back", () -> discovery(server).path("status").asText().equals("fallback"));
                JsonNode ready = server.get("/health/ready").json();
                assertThat(ready.path("status").asText()).isEqualTo("ready");
                assertThat(ready.path("checks").path("service_discovery").path("message").asText())
                        .startsWith("service discovery: fallback (since ");
                assertThat(uploadTo(server, "se-c")).isNotEmpty();
                assertThat(server.get("/").body()).contains("service discovery: fallback (since ");
                kept = copy(server.dataDir().resolve("discovery/storage-elements.json"));
            }

            // A start while Redis is down uses the set kept on disk, and reads Redis again once it is back.
            try (TestServer server = start(port, kept)) {
                assertThat(discovery(server).path("status").asText()).isEqualTo("fallback");
                assertThat(elements(server)).containsEntry("se-c", "edit").containsEntry("se-a", "ro").doesNotContainKey("se-b");
                assertThat(uploadTo(server, "se-c")).isNotEmpty();
                try (RedisProcess back = RedisProcess.start(root.resolve("redis"), port);
                        RedisConnections admin2 = RedisConnections.open(RedisSettings.standalone(back.host(), port))) {
                    Snapshots.write(admin2.client(), 4, List.of(entry(2, b, "edit", 1)));
                    TestServer.await("discovery reads Redis again", () -> discovery(server).path("status").asText().equals("redis"));
                    TestServer.await("the new set is used", () -> uploadLandsOn(server, "se-b"));
                }
            }
            remote.assertNothingHalfWritten();
        }
    }

    private TestServer start(int redisPort, Path keptSet) {
        String yaml = """
                storage:
                  data_dir: ${data}
                  elements:
                    - id: local-rw
                      mode: rw
                discovery:
                  poll_interval: 300ms
                  capacity_poll_interval: 500ms
                  element_defaults:
                    token: %s
                    pins: ["%s"]
                    tls:
                      trust_store: %s
                      trust_store_password: %s
                    retry:
                      max_retries: 0
                """.formatted(RemoteElements.TOKEN, RemoteElements.pin(), root.resolve("se/se-truststore.p12"),
                TestCertificates.PASSWORD);
        TestServer.Builder builder = TestServer.builder().yaml(yaml).env("REDIS_HOST", "127.0.0.1")
                .env("REDIS_PORT", Integer.toString(redisPort)).env("INGESTER_REDIS_TIMEOUT", "300ms");
        if (keptSet != null) {
            builder.seed(data -> {
                try {
                    Files.createDirectories(data.resolve("discovery"));
                    Files.copy(keptSet, data.resolve("discovery/storage-elements.json"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return builder.start();
    }

    private Path copy(Path file) throws IOException {
        Path copy = root.resolve("kept-storage-elements.json");
        Files.copy(file, copy);
        return copy;
    }

    private static Entry entry(int id, Element element, String mode, int priority) {
        return new Entry(id, element.id(), element.server().url().toString(), mode, priority, true);
    }

    private static String uploadTo(TestServer server, String expected) {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(2_000)));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo(expected);
        return reply.json().path("file_id").asText();
    }

    private static boolean uploadLandsOn(TestServer server, String expected) {
        Reply reply = server.upload(Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(2_000)));
        return reply.status() == 201 && reply.json().path("storage_element_id").asText().equals(expected);
    }

    private static Map<String, String> elements(TestServer server) {
        Map<String, String> modes = new TreeMap<>();
        for (JsonNode element : server.status().path("storage_elements")) {
            modes.put(element.path("id").asText(), element.path("mode").asText());
        }
        return modes;
    }

    private static Map<String, Integer> priorities(TestServer server) {
        Map<String, Integer> priorities = new TreeMap<>();
        for (JsonNode element : server.status().path("storage_elements")) {
            priorities.put(element.path("id").asText(), element.path("priority").asInt());
        }
        return priorities;
    }

    private static JsonNode discovery(TestServer server) {
        return server.get("/health/ready").json().path("checks").path("service_discovery");
    }

    private static void awaitWithin(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WITHIN + ": " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
