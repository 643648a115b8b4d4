package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.port.out.StorageElement;
import io.artstore.ingester.server.IngesterServer;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.config.IngesterConfig;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.Tus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance that stops while it stores a completed upload leaves the upload completing; once saga recovery has
 * finished or undone that add, the upload leaves {@code completing}: completed with its file either way.
 */
class TusCompletionRestartTest {

    @TempDir
    Path root;

    @Test
    void an_upload_whose_instance_stopped_before_the_pivot_is_stored_again_after_the_restart() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        run(element -> stopping(element, Set.of("stage", "stageFile", "stageForPublishing", "stageFileForPublishing"), false, reached), reached);
    }

    @Test
    void an_upload_whose_instance_stopped_after_the_pivot_is_completed_with_that_file_after_the_restart() throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        run(element -> stopping(element, Set.of("publishStaged"), true, reached), reached);
    }

    private void run(UnaryOperator<StorageElement> decorator, CountDownLatch reached) throws Exception {
        IngesterConfig config = ConfigLoader.load(List.of(), Map.of("INGESTER_DATA_DIR", root.resolve("data").toString(),
                "APP_HOST", "127.0.0.1", "APP_PORT", "0", "INGESTER_UPLOADS_LOCK_LEASE", "1s",
                "INGESTER_SAGAS_RECOVERY_INTERVAL", "1s"));
        byte[] content = Content.random(900_000);
        String upload;
        IngesterServer first = new IngesterServer(config, Clock.systemUTC(),
                new IngesterServer.Decorators(UnaryOperator.identity(), decorator)).start();
        try {
            Tus tus = client(first);
            upload = tus.created(content.length, Tus.fields("filename", "stopped.bin", "target_mode", "edit",
                    "checksum", Content.sha256(content)));
            CompletableFuture.runAsync(() -> {
                try {
                    tus.patch(upload, 0, content);
                } catch (RuntimeException expected) {
                    // the instance stops under it
                }
            });
            assertThat(reached.await(60, TimeUnit.SECONDS)).as("the add reached the point where the instance stops").isTrue();
            assertThat(state(tus, upload)).isEqualTo("completing");
        } finally {
            first.stop();
        }

        IngesterServer second = new IngesterServer(config).start();
        try {
            Tus tus = client(second);
            TestServer.await("the upload leaves completing", Duration.ofSeconds(60),
                    () -> !progress(tus, upload).path("state").asText().equals("completing"));
            JsonNode json = progress(tus, upload);
            assertThat(json.path("state").asText()).as(json.toString()).isEqualTo("completed");
            String fileId = json.path("file_id").asText();
            assertThat(tus.head(upload).headers().firstValue("X-ArtStore-File-Id")).contains(fileId);
            Reply file = tus.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.port() + "/api/v1/files/" + fileId)).GET());
            assertThat(file.status()).as(file.toString()).isEqualTo(200);
            assertThat(file.json().path("checksum").asText()).isEqualTo(Content.sha256(content));
            Path stored = Path.of(file.json().path("storage_element_url").asText())
                    .resolve(file.json().path("storage_path").asText()).resolve(file.json().path("storage_filename").asText());
            assertThat(Files.readAllBytes(stored)).isEqualTo(content);
        } finally {
            second.stop();
        }
    }

    private static String state(Tus tus, String upload) {
        return progress(tus, upload).path("state").asText();
    }

    private static JsonNode progress(Tus tus, String upload) {
        Reply reply = tus.send(tus.request(upload).GET());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json();
    }

    /**
     * The element, but the first call of one of {@code methods} (before or after it took effect) tells {@code reached}
     * and never returns, as if the process had died there: nothing after it runs.
     */
    private static StorageElement stopping(StorageElement element, Set<String> methods, boolean after, CountDownLatch reached) {
        AtomicBoolean armed = new AtomicBoolean(true);
        return (StorageElement) Proxy.newProxyInstance(StorageElement.class.getClassLoader(), new Class<?>[] {StorageElement.class},
                (proxy, method, args) -> {
                    boolean stop = methods.contains(method.getName()) && armed.compareAndSet(true, false);
                    if (stop && !after) {
                        stopHere(reached);
                    }
                    Object result;
                    try {
                        result = method.invoke(element, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (stop) {
                        stopHere(reached);
                    }
                    return result;
                });
    }

    private static void stopHere(CountDownLatch reached) {
        reached.countDown();
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException ignored) {
                // a dead process does not wake up
            }
        }
    }

    private static Tus client(IngesterServer server) {
        return Tus.against(server, Duration.ofSeconds(120));
    }
}
