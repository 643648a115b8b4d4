package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.PauseAfterCommitDecision;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deletes and transfers of the same files at once, over HTTP: one wins, the other is refused, nothing is lost. */
class TransferRaceTest {

    private final ExecutorService clients = Executors.newFixedThreadPool(20);

    @AfterEach
    void stopClients() throws InterruptedException {
        clients.shutdownNow();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void a_delete_while_a_transfer_holds_the_file_is_refused_with_409_and_the_transfer_completes() {
        PauseAfterCommitDecision pause = new PauseAfterCommitDecision();
        try (TestServer server = TestServer.builder().transactionLog(pause).start()) {
            TransferSteps steps = new TransferSteps(server);
            byte[] content = Content.random(10_000);
            String fileId = steps.uploadToEdit("held.bin", content).path("file_id").asText();
            String tx = steps.started(fileId);
            pause.awaitReached();
            assertThat(steps.awaitState(tx, "committing").path("status").asText()).isEqualTo("committing");

            Reply delete = steps.delete(fileId, Optional.empty());
            Reply second = steps.transfer(fileId);
            pause.release();

            assertThat(delete.status()).as(delete.toString()).isEqualTo(409);
            assertThat(delete.code()).isEqualTo("file_locked");
            assertThat(delete.json().path("message").asText()).contains("transfer");
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.code()).isEqualTo("file_locked");
            assertThat(steps.awaitEnd(tx).path("status").asText()).isEqualTo("committed");
            assertOnRwIntact(server, steps, fileId, content);
            Reply late = steps.delete(fileId, Optional.empty());
            assertThat(late.status()).isEqualTo(409);
            assertThat(late.code()).isEqualTo("wrong_mode");
            assertThat(lockFiles(server)).isEmpty();
        }
    }

    @Test
    void of_a_delete_and_a_transfer_sent_together_exactly_one_wins_and_nothing_is_lost() throws Exception {
        try (TestServer server = TestServer.start()) {
            TransferSteps steps = new TransferSteps(server);
            int transfersWon = 0;
            int deletesWon = 0;
            for (int round = 0; round < 12; round++) {
                byte[] content = Content.random(20_000 + round);
                String fileId = steps.uploadToEdit("raced-" + round + ".bin", content).path("file_id").asText();
                CountDownLatch go = new CountDownLatch(1);
                Future<Reply> transfer = clients.submit(atOnce(go, () -> steps.transfer(fileId)));
                Future<Reply> delete = clients.submit(atOnce(go, () -> steps.delete(fileId, Optional.empty())));
                go.countDown();
                Reply transferReply = transfer.get(30, TimeUnit.SECONDS);
                Reply deleteReply = delete.get(30, TimeUnit.SECONDS);

                boolean transferStarted = transferReply.status() == 202;
                boolean deleted = deleteReply.status() == 200;
                assertThat(transferStarted ^ deleted).as("exactly one wins: %s / %s", transferReply, deleteReply).isTrue();
                if (transferStarted) {
                    transfersWon++;
                    assertThat(deleteReply.status()).as(deleteReply.toString()).isEqualTo(409);
                    assertThat(deleteReply.code()).isIn("file_locked", "wrong_mode");
                    assertThat(steps.awaitEnd(transferReply.json().path("transaction_id").asText()).path("status").asText())
                            .isEqualTo("committed");
                    assertOnRwIntact(server, steps, fileId, content);
                } else {
                    deletesWon++;
                    // Refused while the delete held the file, or too late to find it.
                    assertThat(transferReply.status()).as(transferReply.toString()).isIn(409, 404);
                    assertThat(transferReply.code()).isIn("file_locked", "file_not_found");
                    assertThat(server.get("/api/v1/files/" + fileId).status()).isEqualTo(404);
                    assertThat(steps.filesOf("local-edit", fileId)).isEmpty();
                    assertThat(steps.filesOf("local-rw", fileId)).isEmpty();
                }
            }
            assertThat(transfersWon + deletesWon).isEqualTo(12);
            assertThat(lockFiles(server)).isEmpty();
            assertThat(server.status().path("transfers").path("in_flight").asLong()).isZero();
        }
    }

    @Test
    void twenty_transfers_in_parallel_all_commit() throws Exception {
        try (TestServer server = TestServer.start()) {
            TransferSteps steps = new TransferSteps(server);
            List<String> fileIds = new ArrayList<>();
            List<byte[]> contents = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] content = Content.random(50_000 + i);
                contents.add(content);
                fileIds.add(steps.uploadToEdit("parallel-" + i + ".bin", content).path("file_id").asText());
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> replies = new ArrayList<>();
            for (String fileId : fileIds) {
                replies.add(clients.submit(atOnce(go, () -> steps.transfer(fileId))));
            }
            go.countDown();

            List<String> transactions = new ArrayList<>();
            for (Future<Reply> reply : replies) {
                Reply accepted = reply.get(30, TimeUnit.SECONDS);
                assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
                transactions.add(accepted.json().path("transaction_id").asText());
            }

            assertThat(transactions).doesNotHaveDuplicates();
            for (String transaction : transactions) {
                JsonNode ended = steps.awaitEnd(transaction);
                assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("committed");
            }
            // Only once every transfer has ended: walking the folders while others still move files would race them.
            for (int i = 0; i < 20; i++) {
                assertOnRwIntact(server, steps, fileIds.get(i), contents.get(i));
            }
            // The runner counts an end after logging it: wait for the count rather than read it once.
            TestServer.await("twenty commits are counted",
                    () -> server.status().path("transfers").path("committed").asLong() == 20);
            assertThat(lockFiles(server)).isEmpty();
        }
    }

    private static <T> Callable<T> atOnce(CountDownLatch go, Callable<T> call) {
        return () -> {
            go.await();
            return call.call();
        };
    }

    private static void assertOnRwIntact(TestServer server, TransferSteps steps, String fileId, byte[] content) {
        JsonNode located = server.get("/api/v1/files/" + fileId).json();
        assertThat(located.path("storage_element_id").asText()).isEqualTo("local-rw");
        assertThat(steps.filesOf("local-edit", fileId)).isEmpty();
        Path stored = server.storedFile(located);
        try {
            assertThat(Content.sha256(Files.readAllBytes(stored))).isEqualTo(Content.sha256(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> lockFiles(TestServer server) {
        try (Stream<Path> files = Files.list(server.dataDir().resolve("locks"))) {
            return files.filter(path -> path.getFileName().toString().endsWith(".lock")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
