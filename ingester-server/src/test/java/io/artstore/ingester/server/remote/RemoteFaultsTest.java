package io.artstore.ingester.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Faults of remote storage elements as the server's clients see them. */
class RemoteFaultsTest {

    @TempDir
    Path root;

    private RemoteElements remote;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    private void startServer() {
        server = TestServer.builder().yaml(remote.yaml(RemoteElements.QUICK_RETRIES_AND_BREAKER)).start();
    }

    @Test
    void a_burst_of_503_on_the_preferred_element_is_retried_and_the_upload_lands_there() {
        remote = new RemoteElements(root);
        Element preferred = remote.start("preferred-edit", Mode.EDIT, 1, Transport.TLS);
        Element other = remote.start("other-edit", Mode.EDIT, 2, Transport.PLAIN);
        startServer();
        byte[] content = Content.random(200_000);
        preferred.server().faults().failNext(2, 503);

        Reply reply = upload("edit", content);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo("preferred-edit");
        Path stored = preferred.storedFile(reply.json().path("file_id").asText()).orElseThrow();
        assertThat(RemoteElements.sha256(stored)).isEqualTo(Content.sha256(content));
        assertThat(other.storedFiles()).isEmpty();
        assertThat(circuitBreaker("preferred-edit").path("state").asText()).isEqualTo("closed");

        // Deleting is retried through a burst as well.
        preferred.server().faults().failNext(2, 502);
        Reply deleted = server.delete("/api/v1/files/" + reply.json().path("file_id").asText());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(preferred.storedFiles()).isEmpty();
    }

    @Test
    void once_the_circuit_of_the_preferred_element_opens_the_other_element_of_the_mode_takes_the_files() {
        remote = new RemoteElements(root);
        Element preferred = remote.start("preferred-edit", Mode.EDIT, 1, Transport.PLAIN);
        Element other = remote.start("other-edit", Mode.EDIT, 2, Transport.TLS);
        startServer();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger adapterLog = (Logger) LoggerFactory.getLogger("io.artstore.ingester.storage.http.HttpStorageElement");
        adapterLog.addAppender(log);
        try {
            opensAndMovesToTheOtherElement(preferred, other);
        } finally {
            adapterLog.detachAppender(log);
        }
        assertThat(log.list).as("the change of state is logged")
                .anySatisfy(event -> {
                    assertThat(event.getLevel()).isEqualTo(Level.WARN);
                    assertThat(event.getFormattedMessage()).contains("preferred-edit", "circuit opened");
                });
    }

    private void opensAndMovesToTheOtherElement(Element preferred, Element other) {
        preferred.server().faults().failNext(1_000, 503);

        int refused = 0;
        while (!circuitBreaker("preferred-edit").path("state").asText().equals("open")) {
            Reply reply = upload("edit", Content.random(10_000));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
            assertThat(reply.headers().firstValue("Retry-After")).isPresent();
            assertThat(++refused).as("uploads refused before the circuit opened").isLessThanOrEqualTo(5);
        }

        byte[] content = Content.random(50_000);
        Reply reply = upload("edit", content);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.json().path("storage_element_id").asText()).isEqualTo("other-edit");
        assertThat(RemoteElements.sha256(other.storedFile(reply.json().path("file_id").asText()).orElseThrow()))
                .isEqualTo(Content.sha256(content));
        assertThat(preferred.storedFiles()).isEmpty();
        JsonNode ready = server.get("/health/ready").json();
        JsonNode readyPreferred = element(ready.path("storage_elements"), "preferred-edit");
        assertThat(readyPreferred.path("health").asText()).isEqualTo("unavailable");
        assertThat(readyPreferred.path("circuit_breaker").path("state").asText()).isEqualTo("open");
        assertThat(readyPreferred.path("circuit_breaker").path("retry_in_seconds").asInt()).isBetween(1, 60);
        assertThat(readyPreferred.path("circuit_breaker").path("changed_at").asText()).isNotEmpty();
        assertThat(element(ready.path("storage_elements"), "other-edit").path("health").asText()).isEqualTo("healthy");
        JsonNode statusPreferred = element(server.status().path("storage_elements"), "preferred-edit");
        assertThat(statusPreferred.path("circuit_breaker").path("failure_rate").asInt()).isPositive();
        assertThat(server.get("/").body()).contains("circuit open");
        remote.assertNothingHalfWritten();
    }

    @Test
    void with_no_element_of_the_mode_reachable_the_client_gets_503_with_retry_after() {
        remote = new RemoteElements(root);
        Element first = remote.start("first-edit", Mode.EDIT, 1, Transport.TLS);
        Element second = remote.start("second-edit", Mode.EDIT, 2, Transport.PLAIN);
        startServer();
        first.server().close();
        second.server().close();
        TestServer.await("both elements are seen as down", () -> server.get("/health/ready").status() == 503);

        Reply reply = upload("edit", Content.random(10_000));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo("storage_unavailable");
        assertThat(reply.headers().firstValue("Retry-After"))
                .hasValueSatisfying(value -> assertThat(Integer.parseInt(value)).isPositive());
        Reply ready = server.get("/health/ready");
        assertThat(ready.headers().firstValue("Retry-After")).isPresent();
        assertThat(ready.json().path("status").asText()).isEqualTo("not_ready");
        assertThat(server.outstandingBytes()).isZero();
    }

    @Test
    void a_connection_reset_half_way_through_the_body_is_a_clean_error_and_leaves_nothing_on_any_element() {
        remote = new RemoteElements(root);
        Element edit = remote.start("remote-edit", Mode.EDIT, 1, Transport.PLAIN);
        Element rw = remote.start("remote-rw", Mode.RW, 1, Transport.TLS);
        startServer();
        edit.server().faults().resetUploadsAfter(256 * 1024);
        List<Path> before = server.files();

        Reply reply = upload("edit", Content.random(2 * 1024 * 1024));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(503);
        assertThat(reply.code()).isEqualTo("se_unreachable");
        assertThat(reply.json().path("message").asText()).contains("remote-edit");
        assertThat(reply.headers().firstValue("Retry-After")).isPresent();
        assertThat(edit.storedFiles()).isEmpty();
        assertThat(rw.storedFiles()).isEmpty();
        remote.assertNothingHalfWritten();
        assertThat(server.files()).as("nothing new in the catalogue or spool").containsExactlyInAnyOrderElementsOf(before);
        assertThat(server.outstandingBytes()).isZero();

        edit.server().faults().clear();
        Reply again = upload("edit", Content.random(2 * 1024 * 1024));
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
    }

    private Reply upload(String mode, byte[] content) {
        return server.upload(Multipart.form().field("target_mode", mode).file("data.bin", content));
    }

    private JsonNode circuitBreaker(String elementId) {
        return element(server.status().path("storage_elements"), elementId).path("circuit_breaker");
    }

    private static JsonNode element(JsonNode elements, String id) {
        for (JsonNode element : elements) {
            if (element.path("id").asText().equals(id)) {
                return element;
            }
        }
        throw new AssertionError("no element " + id + " in " + elements);
    }
}
