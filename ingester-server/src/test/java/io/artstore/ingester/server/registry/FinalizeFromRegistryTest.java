package io.artstore.ingester.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.server.testing.TransferSteps;
import io.artstore.ingester.storage.registry.fixture.AdminAccounts;
import io.artstore.ingester.storage.registry.fixture.AdminModuleServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Finalize of a file this ingester's catalogue does not know: one that another ingester in front of the same
 * {@code edit} element uploaded (here: its stored files copied onto this ingester's element before it starts). The
 * admin-module fixture's registry decides whether the file may still be finalized.
 */
class FinalizeFromRegistryTest {

    private static final String CLIENT_ID = "sa_test_ingester_1a2b3c4d";
    private static final String SECRET = "finalize-test-secret";

    private final AdminModuleServer admin = AdminModuleServer.start(
            new AdminAccounts().serviceAccount(CLIENT_ID, SECRET, "admin", 10_000));
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void close() {
        servers.forEach(TestServer::close);
        admin.close();
    }

    @Test
    void a_file_the_registry_has_as_permanent_is_refused_as_already_final() {
        TestServer other = server(data -> { });
        TransferSteps otherSteps = new TransferSteps(other);
        JsonNode uploaded = otherSteps.uploadToEdit("done.txt", "finalized elsewhere".getBytes(StandardCharsets.UTF_8));
        String id = uploaded.path("file_id").asText();
        List<Path> copy = copyOfStoredFile(other, uploaded);
        TestServer server = server(data -> place(copy, data));
        // The other ingester finalizes it; this one's edit element still holds the copy it was given.
        assertThat(otherSteps.awaitEnd(otherSteps.started(id)).path("status").asText()).isEqualTo("committed");
        TestServer.await("the registry has the file as permanent", () -> admin.entry(id)
                .map(e -> e.path("retention_policy").asText().equals("permanent")).orElse(false));

        Reply reply = new TransferSteps(server).post("/api/v1/finalize/" + id, "", Optional.empty());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(409);
        assertThat(reply.code()).isEqualTo("wrong_mode");
        assertThat(reply.json().path("message").asText()).contains("permanent").contains("local-rw");
    }

    @Test
    void a_file_the_registry_has_as_temporary_is_located_on_the_edit_element_and_finalized() {
        TestServer other = server(data -> { });
        JsonNode uploaded = new TransferSteps(other).uploadToEdit("open.txt", "still open".getBytes(StandardCharsets.UTF_8));
        String id = uploaded.path("file_id").asText();
        TestServer.await("the upload is registered", () -> admin.entry(id).isPresent());
        List<Path> copy = copyOfStoredFile(other, uploaded);
        TestServer server = server(data -> place(copy, data));
        TransferSteps steps = new TransferSteps(server);

        Reply reply = steps.post("/api/v1/finalize/" + id, "", Optional.empty());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        assertThat(steps.awaitEnd(reply.json().path("transaction_id").asText()).path("status").asText()).isEqualTo("committed");
        TestServer.await("the registry has the file as permanent", () -> admin.entry(id)
                .map(e -> e.path("retention_policy").asText().equals("permanent")).orElse(false));
    }

    @Test
    void a_file_neither_knows_is_404_and_an_unreachable_registry_is_503() {
        TestServer server = server(data -> { });
        Reply unknown = new TransferSteps(server).post("/api/v1/finalize/" + UUID.randomUUID(), "", Optional.empty());
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("file_not_in_catalogue");

        admin.down();
        Reply down = new TransferSteps(server).post("/api/v1/finalize/" + UUID.randomUUID(), "", Optional.empty());
        assertThat(down.status()).as(down.toString()).isEqualTo(503);
        assertThat(down.code()).isEqualTo("registry_unavailable");
    }

    private TestServer server(Consumer<Path> seed) {
        TestServer server = TestServer.builder()
                .registry(admin.url(), CLIENT_ID, SECRET)
                .seed(seed)
                .start();
        servers.add(server);
        return server;
    }

    /** The stored file and its attr.json, read now: a transfer deletes them from the other ingester's element. */
    private static List<Path> copyOfStoredFile(TestServer other, JsonNode uploaded) {
        Path data = other.storedFile(uploaded);
        Path attributes = data.resolveSibling(data.getFileName() + ".attr.json");
        try {
            Path saved = Files.createTempDirectory("stored-copy-");
            Path relative = other.dataDir().relativize(data.getParent());
            Path target = saved.resolve(relative);
            Files.createDirectories(target);
            Files.copy(data, target.resolve(data.getFileName()));
            Files.copy(attributes, target.resolve(attributes.getFileName()));
            return List.of(saved, target.resolve(data.getFileName()), target.resolve(attributes.getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void place(List<Path> copy, Path data) {
        Path saved = copy.get(0);
        try {
            for (Path file : copy.subList(1, copy.size())) {
                Path target = data.resolve(saved.relativize(file));
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
