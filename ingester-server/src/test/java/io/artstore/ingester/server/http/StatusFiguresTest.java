package io.artstore.ingester.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.artstore.ingester.core.domain.Mode;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.RemoteElements;
import io.artstore.ingester.server.testing.RemoteElements.Transport;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures of {@code /api/v1/status} and the status page: space, deployment, configuration, saga outcomes. */
class StatusFiguresTest {

    @TempDir
    Path root;

    @Test
    void elements_on_one_file_system_count_its_free_space_once_and_used_plus_free_is_total() throws Exception {
        try (TestServer server = TestServer.start()) {
            FileStore store = Files.getFileStore(server.dataDir());
            JsonNode status = server.status();

            JsonNode elements = status.path("storage_elements");
            assertThat(elements).hasSize(2);
            for (JsonNode element : elements) {
                JsonNode capacity = element.path("capacity");
                assertThat(capacity.path("used").asLong() + capacity.path("available").asLong()).as(element.toString())
                        .isEqualTo(capacity.path("total").asLong());
            }
            JsonNode overall = status.path("capacity");
            assertThat(overall.path("file_systems").asInt()).as(status.toString()).isEqualTo(1);
            assertThat(overall.path("total").asLong()).isEqualTo(store.getTotalSpace());
            long available = overall.path("available").asLong();
            long single = elements.get(0).path("capacity").path("available").asLong();
            // Other processes write to the same disk meanwhile: compare with the element, not with twice it.
            assertThat(available).isBetween(single - (64L << 20), single + (64L << 20)).isLessThan(2 * single - (64L << 20));
            assertThat(overall.path("used").asLong() + available).isEqualTo(overall.path("total").asLong());

            // The page is a second request: free space may cross a display boundary in between, so ask again.
            TestServer.await("the page's free space is the status document's, each file system once", () -> {
                long now = server.status().path("capacity").path("available").asLong();
                return server.get("/").body().contains(">" + StatusPageRenderer.humanSize(now) + "<");
            });
        }
    }

    @Test
    void deployment_says_embedded_remote_or_mixed_after_where_the_elements_are() {
        try (TestServer embedded = TestServer.start()) {
            assertThat(embedded.status().path("deployment").asText()).isEqualTo("embedded");
        }
        try (RemoteElements remote = new RemoteElements(root)) {
            remote.start("remote-edit", Mode.EDIT, 10, Transport.PLAIN);
            remote.start("remote-rw", Mode.RW, 10, Transport.PLAIN);
            try (TestServer server = TestServer.builder().yaml(remote.yaml("")).start()) {
                assertThat(server.status().path("deployment").asText()).isEqualTo("remote");
                assertThat(server.get("/").body()).contains("<dd class=\"col-sm-8\">remote</dd>");
            }
            String mixed = remote.yaml("") + "    - id: local-edit\n      mode: edit\n";
            try (TestServer server = TestServer.builder().yaml(mixed).start()) {
                assertThat(server.status().path("deployment").asText()).isEqualTo("mixed");
            }
        }
    }

    @Test
    void the_configuration_shows_durations_and_sizes_in_one_form_in_a_stable_order() {
        try (TestServer server = TestServer.start()) {
            JsonNode configuration = server.status().path("configuration");

            List<String> sections = new ArrayList<>();
            configuration.fieldNames().forEachRemaining(sections::add);
            assertThat(sections).containsExactly("source", "server", "logging", "auth", "limits", "admin", "storage", "logs", "upload",
                    "uploads", "compression", "instance", "transfer", "signing", "sagas", "registry", "audit", "alerts", "tracing",
                    "detection", "encryption", "discovery", "state", "metrics", "tasks");
            assertThat(configuration.path("upload").path("max_file_size").asText()).isEqualTo("10GiB");
            assertThat(configuration.path("logging").path("max_file_size").asText()).isEqualTo("100MiB");
            assertThat(configuration.path("transfer").path("recovery_interval").asText()).isEqualTo("1m");
            assertThat(configuration.path("sagas").path("lease").asText()).isEqualTo("30m");
            assertThat(configuration.path("sagas").path("add_timeout").asText()).isEqualTo("1h");
            assertThat(configuration.path("sagas").path("max_retry_wait").asText()).isEqualTo("10s");
            assertThat(configuration.path("uploads").path("lock_wait").asText()).isEqualTo("2500ms");
            assertThat(configuration.path("uploads").path("expires_after").asText()).isEqualTo("1d");

            String page = server.get("/").body();
            assertThat(page).contains("<code>sagas.lease</code></th><td>30m</td>", "<code>upload.max_file_size</code></th><td>10GiB</td>");
            assertThat(page.indexOf("<code>server.host</code>")).isLessThan(page.indexOf("<code>upload.max_file_size</code>"))
                    .isLessThan(page.indexOf("<code>sagas.lease</code>"));
        }
    }

    @Test
    void uploads_refused_for_their_content_are_counted_as_rejected_not_as_compensations() {
        try (TestServer server = TestServer.start()) {
            Reply empty = server.upload("?target_mode=edit", Multipart.form().file("empty.txt", new byte[0]));
            assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
            Reply mismatch = server.upload("?target_mode=edit&checksum=" + "0".repeat(64),
                    Multipart.form().file("x.txt", Content.random(100)));
            assertThat(mismatch.status()).as(mismatch.toString()).isEqualTo(422);

            JsonNode sagas = server.status().path("sagas");
            assertThat(sagas.path("compensated_since_start").asLong()).as(sagas.toString()).isZero();
            assertThat(sagas.path("rejected_since_start").asLong()).as(sagas.toString()).isEqualTo(2);
            assertThat(server.get("/").body()).contains("Rejected since start");
        }
    }
}
