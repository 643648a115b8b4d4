package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.fs.Fsync;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An upload's 201 leaves only after the group commit that makes its saga's end durable: with the force of that
 * record held, the upload is done on disk and yet unanswered; once the force ends, the 201 arrives.
 */
class UploadAfterGroupCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HoldSagaEnd hold = new HoldSagaEnd();
    private TestServer server;

    @AfterEach
    void stop() {
        hold.release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void the_201_is_sent_only_once_the_force_covering_the_saga_end_has_ended() throws Exception {
        server = TestServer.builder().logFsync(hold).start();
        Multipart form = Multipart.form().field("target_mode", "edit").file("held.bin", Content.random(10_000));
        hold.armed = true;

        CompletableFuture<HttpResponse<String>> reply = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(server.uri("/api/v1/files/upload")).timeout(WAIT)
                        .header("Content-Type", form.contentType())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(hold.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the saga end's force began").isTrue();
        assertThat(server.files()).as("the file and its catalogue entry are written").anySatisfy(
                file -> assertThat(file.toString()).endsWith(".attr.json"));
        assertThatThrownBy(() -> reply.get(1, TimeUnit.SECONDS)).as("no answer while the force is held")
                .isInstanceOf(TimeoutException.class);

        hold.release.countDown();

        HttpResponse<String> answered = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(201);
    }

    /** Forces for real; once armed, holds the force of a saga log that covers a saga's end until released. */
    private static final class HoldSagaEnd implements Fsync {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Map<Path, Long> forcedUpTo = new ConcurrentHashMap<>();
        volatile boolean armed;

        @Override
        public void force(FileChannel channel, Path file, boolean metadata) throws IOException {
            long size = channel.size();
            long from = forcedUpTo.getOrDefault(file, 0L);
            if (armed && file.getFileName().toString().startsWith("saga-") && covers(channel, from, size, "\"kind\":\"SAGA_COMPLETED\"")) {
                entered.countDown();
                try {
                    if (!release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IOException("the test never released the held force");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            channel.force(metadata);
            forcedUpTo.merge(file, size, Math::max);
        }

        private static boolean covers(FileChannel channel, long from, long to, String text) throws IOException {
            ByteBuffer bytes = ByteBuffer.allocate((int) (to - from));
            while (bytes.hasRemaining() && channel.read(bytes, from + bytes.position()) >= 0) {
                // Reads the bytes written since the last force.
            }
            return new String(bytes.array(), StandardCharsets.UTF_8).contains(text);
        }
    }
}
