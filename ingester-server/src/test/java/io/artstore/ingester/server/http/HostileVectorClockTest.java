package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.artstore.ingester.core.clock.NodeId;
import io.artstore.ingester.core.clock.VectorClock;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clock headers a client may send to harm the instance: counters near the top of their range, made-up nodes,
 * too many entries; and what a data folder written by an earlier version may hold.
 */
class HostileVectorClockTest {

    private static final NodeId NODE = NodeId.of("ingester-test-9");

    private TestServer server;
    private TransferSteps steps;

    @BeforeEach
    void start() {
        server = TestServer.builder().env("INGESTER_NODE_ID", NODE.value()).start();
        steps = new TransferSteps(server);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void a_counter_near_the_top_of_its_range_is_refused_and_every_later_write_still_works() {
        Reply hostile = steps.delete(UUID.randomUUID().toString(), Optional.of(NODE.value() + ":9223372036854775806"));

        assertThat(hostile.status()).as(hostile.toString()).isEqualTo(400);
        assertThat(hostile.code()).isEqualTo("invalid_vector_clock");
        assertThat(hostile.json().path("message").asText()).contains("9007199254740992");
        assertWritesWork(server);
    }

    @Test
    void a_counter_above_two_to_the_53_is_refused_and_one_at_it_is_not() {
        Reply above = steps.delete(UUID.randomUUID().toString(), Optional.of("ingester-peer:9007199254740993"));
        Reply at = steps.delete(UUID.randomUUID().toString(), Optional.of("ingester-peer:9007199254740992"));

        assertThat(above.code()).as(above.toString()).isEqualTo("invalid_vector_clock");
        assertThat(at.code()).as(at.toString()).isEqualTo("file_not_found");
        assertWritesWork(server);
    }

    @Test
    void a_client_cannot_push_this_instances_own_counter() {
        Reply pushed = steps.delete(UUID.randomUUID().toString(), Optional.of(NODE.value() + ":9007199254740992"));

        assertThat(pushed.code()).as(pushed.toString()).isEqualTo("file_not_found");
        assertThat(clockOf(pushed).get(NODE)).isLessThan(100);
        assertWritesWork(server);
    }

    @Test
    void refused_clocks_change_nothing_at_all() {
        String fileId = steps.uploadToEdit("kept.bin", Content.random(100)).path("file_id").asText();
        Map<String, String> before = snapshot(server.dataDir());
        String tooMany = IntStream.range(0, 65).mapToObj(i -> "ingester-n" + i + ":1").collect(Collectors.joining(","));
        Multipart form = Multipart.form().file("refused.bin", Content.random(1000));

        for (String header : new String[] {tooMany, "ingester-a:1e3", "ingester-a:9007199254740993", "a:1,a:2", ":3"}) {
            Reply upload = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload?target_mode=edit"))
                    .header("Content-Type", form.contentType())
                    .header(TransferSteps.CLOCK_HEADER, header)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
            Reply delete = steps.delete(fileId, Optional.of(header));
            Reply transfer = steps.post("/api/v1/files/" + fileId + "/transfer", "", Optional.of(header));

            for (Reply reply : new Reply[] {upload, delete, transfer}) {
                assertThat(reply.status()).as(header + " → " + reply).isEqualTo(400);
                assertThat(reply.code()).isEqualTo("invalid_vector_clock");
                assertThat(reply.json().path("message").asText()).isNotBlank();
            }
        }

        assertThat(snapshot(server.dataDir())).isEqualTo(before);
        assertThat(server.outstandingBytes()).isZero();
        assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(200);
    }

    @Test
    void sixty_four_entries_are_accepted_by_default() {
        String many = IntStream.range(0, 64).mapToObj(i -> "ingester-n" + i + ":1").collect(Collectors.joining(","));

        Reply reply = steps.delete(UUID.randomUUID().toString(), Optional.of(many));

        assertThat(reply.code()).as(reply.toString()).isEqualTo("file_not_found");
    }

    @Test
    void the_configured_participants_and_entry_bound_apply() {
        server.close();
        server = TestServer.builder().env("INGESTER_NODE_ID", NODE.value())
                .env("INGESTER_CLOCK_PARTICIPANTS", "edge-[0-9]+").env("INGESTER_CLOCK_MAX_ENTRIES", "2").start();
        steps = new TransferSteps(server);

        Reply tooMany = steps.delete(UUID.randomUUID().toString(), Optional.of("edge-1:1,edge-2:1,edge-3:1"));
        Reply accepted = steps.delete(UUID.randomUUID().toString(), Optional.of("edge-1:4,ingester-peer:5"));

        assertThat(tooMany.code()).as(tooMany.toString()).isEqualTo("invalid_vector_clock");
        assertThat(tooMany.json().path("message").asText()).contains("at most 2");
        assertThat(accepted.code()).as(accepted.toString()).isEqualTo("file_not_found");
        assertThat(clockOf(accepted).entries().keySet()).containsExactly(NodeId.of("edge-1"), NODE);
    }

    @Test
    void entries_of_nodes_that_are_not_participants_are_neither_kept_nor_echoed() {
        Reply upload = server.send(uploadWithClock("made-up.bin", "client-7:3,ingester-peer:5,admin-module:2"));
        Reply later = server.upload("?target_mode=edit", Multipart.form().file("later.bin", Content.random(10)));

        assertThat(upload.status()).as(upload.toString()).isEqualTo(201);
        for (Reply reply : new Reply[] {upload, later}) {
            VectorClock clock = clockOf(reply);
            assertThat(clock.entries()).doesNotContainKey(NodeId.of("client-7"));
            assertThat(clock.get(NodeId.of("ingester-peer"))).isEqualTo(5);
            assertThat(clock.get(NodeId.of("admin-module"))).isEqualTo(2);
        }
        assertThat(readEvents(server)).doesNotContain("client-7");
    }

    @Test
    void a_409_can_be_resolved_by_reading_the_file_and_merging_its_clock() {
        String fileId = steps.uploadToEdit("contested.bin", Content.random(100)).path("file_id").asText();
        VectorClock mine = VectorClock.parse("client-7:3");

        Reply refused = steps.delete(fileId, Optional.of(mine.toText()));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("concurrent_operation");
        assertThat(refused.json().path("message").asText()).contains("read the file again", "merge its clock and retry");

        Reply read = server.get("/api/v1/files/" + fileId);
        assertThat(read.status()).isEqualTo(200);
        VectorClock fileClock = clockOf(read);
        assertThat(fileClock.get(NODE)).isPositive();

        Reply retried = steps.delete(fileId, Optional.of(mine.merge(fileClock).toText()));
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    }

    @Test
    void a_data_folder_poisoned_by_an_earlier_version_works_after_the_upgrade(@TempDir Path root) throws IOException {
        server.close();
        server = null;
        Path data = root.resolve("data");
        String fileId;
        try (TestServer first = TestServer.builder().env("INGESTER_NODE_ID", NODE.value())
                .env("INGESTER_DATA_DIR", data.toString()).start()) {
            fileId = new TransferSteps(first).uploadToEdit("old.bin", Content.random(100)).path("file_id").asText();
        }
        // What the earlier version stored after the header <node>:9223372036854775806 and a made-up entry.
        String poisoned = "client-7:3," + NODE.value() + ":9223372036854775807\n";
        Files.writeString(data.resolve("clock").resolve(NODE.value() + ".clock"), poisoned);
        Files.writeString(data.resolve("clock").resolve("files").resolve(fileId + ".clock"), poisoned);

        try (TestServer upgraded = TestServer.builder().env("INGESTER_NODE_ID", NODE.value())
                .env("INGESTER_DATA_DIR", data.toString()).start()) {
            TransferSteps upgradedSteps = new TransferSteps(upgraded);
            assertWritesWork(upgraded);
            Reply read = upgraded.get("/api/v1/files/" + fileId);
            VectorClock fileClock = clockOf(read);
            assertThat(fileClock.entries()).doesNotContainKey(NodeId.of("client-7"));
            assertThat(fileClock.get(NODE)).isEqualTo(9_007_199_254_740_992L);

            Reply deleted = upgradedSteps.delete(fileId, Optional.of(fileClock.toText()));

            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
            assertThat(clockOf(deleted).entries()).doesNotContainKey(NodeId.of("client-7"));
        }
    }

    /** An upload, a transfer and a delete succeed, and the instance says it is ready. */
    private static void assertWritesWork(TestServer target) {
        TransferSteps targetSteps = new TransferSteps(target);
        Reply upload = target.upload("?target_mode=edit", Multipart.form().file("after.bin", Content.random(100)));
        assertThat(upload.status()).as(upload.toString()).isEqualTo(201);
        String transferred = upload.json().path("file_id").asText();
        Reply transfer = targetSteps.transfer(transferred);
        assertThat(transfer.status()).as(transfer.toString()).isEqualTo(202);
        assertThat(targetSteps.awaitEnd(transfer.json().path("transaction_id").asText()).path("status").asText())
                .isEqualTo("committed");
        String deleted = targetSteps.uploadToEdit("doomed.bin", Content.random(100)).path("file_id").asText();
        Reply delete = targetSteps.delete(deleted, Optional.empty());
        assertThat(delete.status()).as(delete.toString()).isEqualTo(200);
        assertThat(target.get("/health/ready").status()).isEqualTo(200);
    }

    private HttpRequest.Builder uploadWithClock(String name, String clock) {
        Multipart form = Multipart.form().file(name, Content.random(10));
        return HttpRequest.newBuilder(server.uri("/api/v1/files/upload?target_mode=edit"))
                .header("Content-Type", form.contentType())
                .header(TransferSteps.CLOCK_HEADER, clock)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
    }

    private static VectorClock clockOf(Reply reply) {
        return VectorClock.parse(reply.headers().firstValue(TransferSteps.CLOCK_HEADER)
                .orElseThrow(() -> new AssertionError("no clock header in " + reply)));
    }

    private static String readEvents(TestServer target) {
        try {
            return Files.readString(target.dataDir().resolve("events").resolve("events.jsonl"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file under the folder with a digest of its content. */
    private static Map<String, String> snapshot(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            Map<String, String> files = new TreeMap<>();
            walk.filter(Files::isRegularFile).forEach(file -> {
                try {
                    files.put(folder.relativize(file).toString(), Arrays.toString(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
