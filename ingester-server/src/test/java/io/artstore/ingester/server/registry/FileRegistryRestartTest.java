package io.artstore.ingester.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.IngesterServer;
import io.artstore.ingester.server.config.ConfigLoader;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registrations still waiting when the server stops are delivered by the next server over the same data folder. */
class FileRegistryRestartTest {

    @TempDir
    Path data;

    @Test
    void registrations_pending_at_shutdown_are_sent_after_the_next_start() throws Exception {
        try (AdminModuleServer admin = AdminModuleServer.start(
                new AdminAccounts().serviceAccount("sa_test_restart_11223344", "secret", "admin", 10_000))) {
            Map<String, String> env = Map.of("INGESTER_DATA_DIR", data.toString(), "APP_HOST", "127.0.0.1", "APP_PORT", "0",
                    "AUTH_ADMIN_MODULE_URL", admin.url().toString(), "SERVICE_ACCOUNT_CLIENT_ID", "sa_test_restart_11223344",
                    "SERVICE_ACCOUNT_CLIENT_SECRET", "secret", "INGESTER_REGISTRY_RETRY_DELAY", "20ms",
                    "INGESTER_REGISTRY_MAX_RETRY_DELAY", "200ms");
            admin.down();
            String id;
            try (IngesterServer first = new IngesterServer(ConfigLoader.load(List.of(), env)).start()) {
                Multipart form = Multipart.form().file("file", "kept.txt", "text/plain", "kept".getBytes(StandardCharsets.UTF_8));
                HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + first.port() + "/api/v1/files/upload?target_mode=edit"))
                        .header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201);
                id = new ObjectMapper().readTree(reply.body()).path("file_id").asText();
            }
            assertThat(admin.entries()).isEmpty();

            admin.up();
            IngesterServer second = new IngesterServer(ConfigLoader.load(List.of(), env)).start();
            try {
                TestServer.await("the pending registration is delivered", () -> admin.entry(id).isPresent());
            } finally {
                second.stop();
            }
            assertThat(admin.creations(id)).isEqualTo(1);
        }
    }
}
