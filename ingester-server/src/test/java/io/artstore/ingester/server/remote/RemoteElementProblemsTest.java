package io.artstore.ingester.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Element;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import io.artstore.ingester.storage.http.fixture.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote element's full disk and failed TLS handshakes, as the server's clients and operators see them. */
class RemoteElementProblemsTest {

    private static final String SETTINGS = """
            retry:
              max_retries: 1
              delay: 10ms
              max_delay: 20ms
            capacity_cache_ttl: 60s
            """;

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

    @Test
    void an_element_whose_disk_filled_answers_507_and_is_shown_full() {
        remote = new RemoteElements(root);
        Element edit = remote.start("remote-edit", Mode.EDIT, 1, Transport.TLS);
        server = TestServer.builder().yaml(remote.yaml(SETTINGS)).start();
        // The element's free space is probed while it still has room; then its disk fills.
        assertThat(element(server.status().path("storage_elements"), "remote-edit").path("capacity").path("available")
                .asLong()).isGreaterThan(1_000_000);
        edit.server().faults().freeSpace(50_000);

        Reply reply = server.upload(Multipart.form().field("retention_policy", "temporary")
                .file("data.bin", Content.random(400_000)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(507);
        assertThat(reply.code()).isEqualTo("insufficient_storage");
        assertThat(reply.json().path("message").asText()).contains("remote-edit");
        assertThat(edit.storedFiles()).isEmpty();
        assertThat(element(server.status().path("storage_elements"), "remote-edit").path("capacity").path("available")
                .asLong()).isZero();
        assertThat(server.outstandingBytes()).isZero();
    }

    @Test
    void a_wrong_pin_is_named_in_readiness_status_page_and_503() {
        remote = new RemoteElements(root);
        remote.start("pinned-edit", Mode.EDIT, 1, Transport.TLS);
        String otherPin = TestCertificates.newAuthority().issueServer().pin();
        server = TestServer.builder().yaml(remote.yaml(SETTINGS).replace(RemoteElements.pin(), otherPin)).start();

        assertSaysTlsFailed("pinned-edit", "pin_mismatch", "pin mismatch");
    }

    @Test
    void a_certificate_of_an_unknown_authority_is_named_in_readiness_status_page_and_503() {
        remote = new RemoteElements(root);
        remote.start("stranger-edit", Mode.EDIT, 1, Transport.TLS);
        Path otherTrust = TestCertificates.newAuthority().writeTrustStore(root.resolve("other-trust.p12"));
        server = TestServer.builder().yaml(remote.yaml(SETTINGS).replace(remote.trustStore().toString(), otherTrust.toString()))
                .start();

        assertSaysTlsFailed("stranger-edit", "unknown_ca", "unknown ca");
    }

    private void assertSaysTlsFailed(String id, String reason, String words) {
        Reply ready = server.get("/health/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(503);
        JsonNode readyElement = element(ready.json().path("storage_elements"), id);
        assertThat(readyElement.path("health").asText()).isEqualTo("unavailable");
        assertTlsFailure(readyElement.path("tls"), id, reason);

        assertTlsFailure(element(server.status().path("storage_elements"), id).path("tls"), id, reason);
        assertThat(server.get("/").body()).contains("TLS handshake failed: " + words);

        Reply refused = server.upload(Multipart.form().field("target_mode", "edit").file("data.bin", Content.random(1_000)));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        JsonNode named = element(refused.json().path("storage_elements"), id);
        assertTlsFailure(named.path("tls"), id, reason);
    }

    private static void assertTlsFailure(JsonNode tls, String id, String reason) {
        assertThat(tls.path("code").asText()).as(tls.toString()).isEqualTo("tls_handshake_failed");
        assertThat(tls.path("reason").asText()).isEqualTo(reason);
        assertThat(tls.path("message").asText()).contains(id);
        assertThat(tls.path("at").asText()).isNotEmpty();
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
