package io.artstore.ingester.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The HTTP steps of a transfer, as the tests of the transfer API take them against a {@link TestServer}. */
public final class TransferSteps {

    public static final String CLOCK_HEADER = "X-ArtStore-Vector-Clock";

    private final TestServer server;

    public TransferSteps(TestServer server) {
        this.server = server;
    }

    /** Uploads a file to the {@code edit} element and returns the 201 answer. */
    public JsonNode uploadToEdit(String name, byte[] content) {
        Reply reply = server.upload("?target_mode=edit", Multipart.form().file(name, content));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return reply.json();
    }

    public Reply transfer(String fileId) {
        return post("/api/v1/files/" + fileId + "/transfer", "", Optional.empty());
    }

    /** @param body a JSON body, or empty for none */
    public Reply post(String path, String body, Optional<String> clock) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        clock.ifPresent(value -> request.header(CLOCK_HEADER, value));
        return server.send(request);
    }

    public Reply delete(String fileId, Optional<String> clock) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/v1/files/" + fileId)).DELETE();
        clock.ifPresent(value -> request.header(CLOCK_HEADER, value));
        return server.send(request);
    }

    /** Starts a transfer that must be accepted; returns its transaction id. */
    public String started(String fileId) {
        Reply reply = transfer(fileId);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        return reply.json().path("transaction_id").asText();
    }

    /** Polls the transfer's status until it has ended; returns the last status. */
    public JsonNode awaitEnd(String transactionId) {
        JsonNode[] last = new JsonNode[1];
        TestServer.await("transfer " + transactionId + " has ended", () -> {
            last[0] = server.get("/api/v1/transfers/" + transactionId).json();
            return List.of("committed", "aborted", "heuristic").contains(last[0].path("status").asText());
        });
        return last[0];
    }

    /** Polls until the transfer is in the state. */
    public JsonNode awaitState(String transactionId, String state) {
        JsonNode[] last = new JsonNode[1];
        TestServer.await("transfer " + transactionId + " is " + state, () -> {
            last[0] = server.get("/api/v1/transfers/" + transactionId).json();
            return last[0].path("status").asText().equals(state);
        });
        return last[0];
    }

    /** The regular files of an element whose name holds the file id (data, attributes, sidecars). */
    public List<Path> filesOf(String elementId, String fileId) {
        Path base = server.dataDir().resolve("storage").resolve(elementId);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base)) {
            return walk.filter(Files::isRegularFile).filter(path -> path.getFileName().toString().contains(fileId)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
