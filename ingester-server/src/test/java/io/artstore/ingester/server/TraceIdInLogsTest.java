package io.artstore.ingester.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.artstore.ingester.server.config.LoggingSettings;
import io.artstore.ingester.server.observe.TraceFilter;
import io.artstore.ingester.server.testing.Content;
import io.artstore.ingester.server.testing.Multipart;
import io.artstore.ingester.server.testing.Reply;
import io.artstore.ingester.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace id of a request in its log lines (JSON and text) and in its error body, with no exporter configured. */
class TraceIdInLogsTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-b7ad6b7169203331-01";

    @TempDir
    Path folder;

    @AfterEach
    void back_to_the_default_text_console() {
        LogSetup.apply(new LoggingSettings("INFO", LoggingSettings.Format.TEXT, Optional.empty(), 100L * 1024 * 1024, 30));
    }

    @Test
    void the_upload_line_names_the_trace_in_json_and_in_text() throws IOException {
        try (TestServer server = TestServer.start()) {
            Path json = folder.resolve("json.log");
            LogSetup.apply(new LoggingSettings("INFO", LoggingSettings.Format.JSON, Optional.of(json), 100L * 1024 * 1024, 30));
            assertThat(upload(server).status()).isEqualTo(201);

            JsonNode line = operationLine(json);
            assertThat(line.path("trace_id").asText()).as(line.toString()).isEqualTo(TRACE_ID);
            assertThat(line.path("span_id").asText()).hasSize(16);

            Path text = folder.resolve("text.log");
            LogSetup.apply(new LoggingSettings("INFO", LoggingSettings.Format.TEXT, Optional.of(text), 100L * 1024 * 1024, 30));
            assertThat(upload(server).status()).isEqualTo(201);

            List<String> lines = Files.readAllLines(text, StandardCharsets.UTF_8);
            assertThat(lines).as("the operation line").anySatisfy(l -> assertThat(l)
                    .contains("operation=\"upload\"").endsWith(" trace_id=" + TRACE_ID));
            assertThat(lines).as("no empty trace_id on a line outside a trace").noneSatisfy(l -> assertThat(l).endsWith("trace_id="));
        }
    }

    @Test
    void an_error_body_names_the_trace_as_the_response_header_does() {
        try (TestServer server = TestServer.start()) {
            Reply traced = server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/" + UUID.randomUUID()))
                    .header("traceparent", TRACEPARENT).GET());
            assertThat(traced.status()).isEqualTo(404);
            assertThat(traced.json().path("code").asText()).isEqualTo("file_not_found");
            assertThat(traced.json().path("trace_id").asText()).isEqualTo(TRACE_ID);
            assertThat(traced.headers().firstValue(TraceFilter.HEADER)).contains(TRACE_ID);

            Reply untraced = server.get("/api/v1/files/not-an-id");
            assertThat(untraced.status()).isGreaterThanOrEqualTo(400);
            String fresh = untraced.json().path("trace_id").asText();
            assertThat(fresh).as("a trace of its own: %s", untraced).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID);
            assertThat(untraced.headers().firstValue(TraceFilter.HEADER)).contains(fresh);
        }
    }

    private static Reply upload(TestServer server) {
        Multipart form = Multipart.form().field("target_mode", "edit").file("a.bin", Content.random(4_000));
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/files/upload")).header("Content-Type", form.contentType())
                .header("traceparent", TRACEPARENT).POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
    }

    private static JsonNode operationLine(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode node = mapper.readTree(line);
            if ("upload".equals(node.path("operation").asText())) {
                return node;
            }
        }
        throw new AssertionError("no upload line in " + Files.readString(file));
    }
}
