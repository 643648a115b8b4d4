package io.artstore.ingester.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.redis.fixture.RedisProcess;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** With {@code INGESTER_STATE=redis}, the server keeps its catalogue, sagas, transfers and clocks in Redis. */
class RedisStateServerTest {

    @TempDir
    static Path redisDir;

    private static RedisProcess redis;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start(redisDir);
        client = RedisClient.create(redis.host(), redis.port());
    }

    @AfterAll
    static void stopRedis() {
        client.close();
        redis.close();
    }

    private TestServer.Builder server() {
        return TestServer.builder().env("INGESTER_STATE", "redis").env("REDIS_HOST", redis.host())
                .env("REDIS_PORT", Integer.toString(redis.port())).env("INGESTER_NODE_ID", "ingester-1");
    }

    @Test
    void uploads_and_transfers_keep_their_state_in_redis_and_none_in_the_data_folder() throws IOException {
        try (TestServer server = server().start()) {
            TransferSteps steps = new TransferSteps(server);
            byte[] content = Content.random(4096);
            String fileId = steps.uploadToEdit("survey.bin", content).path("file_id").asText();

            assertThat(client.hget("artstore:ingester:{catalog}:files", fileId)).contains("\"element_id\":\"local-edit\"");
            assertThat(client.zcard("artstore:ingester:{sagas}:state:COMPLETED")).isEqualTo(1);
            assertThat(client.get("artstore:ingester:{tx}:lease:ingester-1")).isEqualTo("ingester-1");

            JsonNode ended = steps.awaitEnd(steps.started(fileId));

            assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("committed");
            assertThat(client.hget("artstore:ingester:{catalog}:files", fileId)).contains("\"element_id\":\"local-rw\"");
            assertThat(client.exists("artstore:ingester:file-clock:{" + fileId + "}")).isTrue();
            assertThat(client.zcard("artstore:ingester:{tx}:unfinished")).isZero();
            assertThat(client.smembers("artstore:ingester:{locks}:held")).isEmpty();
            assertThat(client.get("artstore:ingester:clock:{ingester-1}")).startsWith("ingester-1:");
            for (String folder : new String[] {"catalog", "sagas", "transactions", "locks"}) {
                assertThat(filesUnder(server.dataDir().resolve(folder))).as(folder).isZero();
            }
        }
        assertThat(client.exists("artstore:ingester:{tx}:lease:ingester-1")).as("the lease ends with the server").isFalse();
    }

    @Test
    void another_instance_finds_what_the_first_one_catalogued() {
        String fileId;
        try (TestServer first = server().start()) {
            fileId = new TransferSteps(first).uploadToEdit("north.bin", Content.random(100)).path("file_id").asText();
        }
        try (TestServer second = server().env("INGESTER_NODE_ID", "ingester-2").start()) {
            // The second instance has its own, empty data folder; the catalogue entry comes from Redis.
            Reply found = second.get("/api/v1/files/" + fileId);
            assertThat(found.status()).as(found.toString()).isEqualTo(200);
            assertThat(found.json().path("storage_element_id").asText()).isEqualTo("local-edit");
        }
    }

    @Test
    void an_upload_whose_saga_no_replica_confirmed_is_refused_with_503_and_leaves_nothing_stored() {
        try (TestServer server = server().env("INGESTER_NODE_ID", "ingester-3").env("INGESTER_STATE_WAIT_REPLICAS", "1")
                .env("INGESTER_STATE_WAIT_TIMEOUT", "200ms").start()) {
            Reply refused = server.upload("?target_mode=edit", Multipart.form().file("unconfirmed.bin", Content.random(2048)));

            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.json().path("code").asText()).isEqualTo("state_not_replicated");
            assertThat(server.files()).isEmpty();
        }
    }

    private static long filesUnder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
